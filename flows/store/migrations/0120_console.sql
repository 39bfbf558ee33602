-- The web console: accounts, the audit log, and a flat index of petitions for its list pages.
-- (No semicolons in comments: the migration runner splits statements on them.)
CREATE TABLE console_accounts (
    username     TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,                 -- admin | clerk | leader
    password     TEXT NOT NULL,                 -- argon2id hash (never the password)
    failed       INTEGER NOT NULL DEFAULT 0,    -- failed logins since the last success or lock
    locked_until TEXT NOT NULL DEFAULT '',      -- ISO time, '' when not locked
    epoch        INTEGER NOT NULL DEFAULT 0,    -- bumped to end every session of the account
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
-- Who did what and when: logins, triggers, decisions and every view of a petition's personal data.
CREATE TABLE console_audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    username TEXT NOT NULL,
    action   TEXT NOT NULL,
    ref      TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX console_audit_at ON console_audit(at);
CREATE INDEX console_audit_ref ON console_audit(ref);
-- One flat row per petition with what the list filters and sorts on, kept in step with the
-- petitions table by updated_at (the petition JSON cannot be filtered fast on 100,000 rows).
-- due_step and due_date are the open deadline step due first (acceptance, handling, review...),
-- all_done 1 once every step is finished, closed_late 1 when the main step finished after its date.
CREATE TABLE console_petitions (
    ref            TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT '',
    handling       TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    purpose        TEXT NOT NULL DEFAULT '',
    form           TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL DEFAULT '',
    locality       TEXT NOT NULL DEFAULT '',
    received_on    TEXT NOT NULL DEFAULT '',
    assigned_on    TEXT NOT NULL DEFAULT '',
    first_seen_at  TEXT NOT NULL DEFAULT '',
    due_step       TEXT NOT NULL DEFAULT '',
    due_date       TEXT NOT NULL DEFAULT '',
    all_done       INTEGER NOT NULL DEFAULT 0,
    closed_late    INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    updated_at     TEXT NOT NULL DEFAULT '',
    crc            INTEGER NOT NULL DEFAULT 0   -- crc32 of the petition's JSON: a change within the same second
);
CREATE INDEX console_petitions_assigned ON console_petitions(assigned_on, ref);
-- Covering the dashboard's count by unit and the deadline filters' sort, so neither reads the rows.
CREATE INDEX console_petitions_due ON console_petitions(all_done, due_date, active, unit, assigned_on);
CREATE INDEX console_petitions_unit ON console_petitions(unit, all_done, due_date);
-- 已办结 / 超期办结 match most rows: walked in the list's order instead of sorted.
CREATE INDEX console_petitions_closed ON console_petitions(all_done, closed_late, assigned_on, ref);
CREATE INDEX console_petitions_status ON console_petitions(status, assigned_on);
CREATE INDEX console_petitions_category ON console_petitions(category, assigned_on);
CREATE INDEX console_petitions_source ON console_petitions(source, assigned_on);
CREATE INDEX console_petitions_seen ON console_petitions(first_seen_at);
-- The list's text search: every run of letters and digits of the searchable text cut into
-- overlapping two-character words (so a two-character Chinese word, a name, a phone number are
-- found by an FTS phrase query instead of a LIKE over every row). rowid = console_petitions' rowid.
-- grams: ref, title, locality, demand and the start of the content. people: the petitioners'
-- names, ID and phone numbers, searched only for the roles that may see them.
CREATE VIRTUAL TABLE console_search USING fts5(grams, people, tokenize = 'unicode61');
-- What the index was built with: the deadline settings' digest and the petitions' high-water mark.
CREATE TABLE console_index_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    digest    TEXT NOT NULL DEFAULT '',
    watermark TEXT NOT NULL DEFAULT ''
);
INSERT INTO console_index_state (id) VALUES (1);
-- The index follows the petitions table by updated_at, and the 重件 filter joins the analysis.
CREATE INDEX IF NOT EXISTS petitions_updated ON petitions(updated_at);
CREATE INDEX IF NOT EXISTS analysis_petition_tier ON analysis_petition(repeat_tier, is_repeat)
