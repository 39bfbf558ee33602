-- Every file the letters flow is about to write, by path and sha256 of its bytes, recorded
-- before the write. A file found at a path where the letters table has nothing (a run killed
-- between the write and the letters record) is recognised as the bot's own by its hash, on
-- whatever day the next run comes, instead of being taken for a clerk's.
CREATE TABLE letter_files (
    path       TEXT NOT NULL,      -- relative to the workdir, forward slashes
    sha256     TEXT NOT NULL,
    written_at TEXT NOT NULL,
    run_id     TEXT,
    PRIMARY KEY (path, sha256)
);
