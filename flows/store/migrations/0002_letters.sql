-- Letters the bot drafted: one row per version written. sha256 is the hash of the bytes the
-- bot wrote, so a file whose hash differs was edited by a clerk and is never overwritten.
-- data_hash fingerprints the letter's values, so changed data gets a new version.
CREATE TABLE letters (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    scope      TEXT NOT NULL,      -- the petition ref, or unit:<unit>:<yyyy-mm-dd> for unit letters
    ref        TEXT,               -- petition ref (NULL for unit letters)
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    path       TEXT NOT NULL,      -- relative to the workdir, forward slashes
    sha256     TEXT NOT NULL,
    data_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    run_id     TEXT,
    UNIQUE (scope, kind, version)
);
CREATE INDEX letters_ref ON letters(ref);
