-- Reminders (issue 5): the outbox and the once-per-day reminder log.
-- Every message is stored here before any send is tried, and nothing is deleted when it fails
-- (no semicolons in comments: the migration runner splits statements on them).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,          -- idempotency: one message per key
    channel         TEXT NOT NULL,                 -- email | dingtalk | wecom
    kind            TEXT NOT NULL,                 -- digest | supervision | overdue_list
    unit            TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL,                 -- JSON of channels.Message (no secrets)
    created_at      TEXT NOT NULL,
    send_day        TEXT NOT NULL,                 -- the working day it is meant for
    status          TEXT NOT NULL DEFAULT 'pending', -- pending | sent
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    run_id          TEXT
);
CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);
CREATE TABLE reminder_log (
    ref        TEXT NOT NULL,
    step       TEXT NOT NULL,                      -- acceptance | handling | review | re_review | overdue_list
    level      TEXT NOT NULL,                      -- unit | leader | supervision | supervisor
    day        TEXT NOT NULL,                      -- the send day (ISO)
    outbox_key TEXT NOT NULL,
    run_id     TEXT,
    PRIMARY KEY (ref, step, level, day)
);
