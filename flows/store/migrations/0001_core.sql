-- Core tables of the store: the system of record.
CREATE TABLE petitions (
    ref            TEXT PRIMARY KEY,
    source         TEXT NOT NULL DEFAULT 'upstream',   -- upstream | ledger
    upstream_state TEXT NOT NULL DEFAULT 'active',     -- active | reassigned | withdrawn
    data           TEXT NOT NULL,                      -- JSON of the whole Petition
    fingerprint    TEXT NOT NULL,                      -- sha256 of the upstream-owned fields
    first_seen_at  TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TABLE history (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    ref     TEXT NOT NULL,
    at      TEXT NOT NULL,
    source  TEXT NOT NULL,      -- upstream | ledger | bot
    field   TEXT NOT NULL,
    old     TEXT,
    new     TEXT,
    run_id  TEXT
);
CREATE INDEX history_ref ON history(ref);
CREATE TABLE quarantine (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    ref      TEXT NOT NULL,
    run_id   TEXT,
    at       TEXT NOT NULL,
    reason   TEXT NOT NULL,
    raw      TEXT,              -- JSON of what the upstream showed, for a retry or a person
    resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quarantine_ref ON quarantine(ref);
CREATE TABLE runs (
    id        TEXT PRIMARY KEY,
    flow      TEXT NOT NULL,
    trigger   TEXT NOT NULL,
    started   TEXT NOT NULL,
    ended     TEXT,
    status    TEXT NOT NULL,
    summary   TEXT
);
CREATE TABLE local_refs (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
