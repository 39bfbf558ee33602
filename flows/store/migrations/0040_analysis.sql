-- Smart analysis (issue 7): one row of findings per petition, and the alerts raised.
-- Recomputed whole by each analysis run, in one transaction (no semicolons in comments).
CREATE TABLE analysis_petition (
    ref                 TEXT PRIMARY KEY,
    category_suggested  TEXT NOT NULL DEFAULT '',
    category_confidence REAL NOT NULL DEFAULT 0,
    category_source     TEXT NOT NULL DEFAULT '',   -- upstream | clerk | model | lexicon
    category_why        TEXT NOT NULL DEFAULT '',
    is_repeat           INTEGER NOT NULL DEFAULT 0,
    repeat_of           TEXT NOT NULL DEFAULT '',   -- first item of the chain
    repeat_matched      TEXT NOT NULL DEFAULT '',   -- the earlier item it matched best
    repeat_count        INTEGER NOT NULL DEFAULT 0, -- earlier items in the chain
    repeat_why          TEXT NOT NULL DEFAULT '',   -- masked shared identities and similarity
    supervise           INTEGER NOT NULL DEFAULT 0,
    supervise_why       TEXT NOT NULL DEFAULT '',
    group_alert         INTEGER NOT NULL DEFAULT 0,
    alert_ids           TEXT NOT NULL DEFAULT '[]',
    run_id              TEXT,
    updated_at          TEXT NOT NULL
);
CREATE TABLE analysis_alert (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,                      -- group | cluster
    day         TEXT NOT NULL,
    refs        TEXT NOT NULL,                      -- JSON list
    localities  TEXT NOT NULL DEFAULT '[]',
    explanation TEXT NOT NULL,
    pairs       TEXT NOT NULL DEFAULT '[]',         -- JSON [ref, ref, similarity]
    first_seen  TEXT NOT NULL,
    run_id      TEXT
);
CREATE INDEX analysis_alert_day ON analysis_alert(day);
