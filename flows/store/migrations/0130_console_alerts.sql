-- A clerk's answer to a group alert on the console's 分析 page: confirmed (being handled) or
-- dismissed (not one matter), with the reason. Alert ids are stable across analysis runs.
CREATE TABLE console_alert_answer (
    alert_id TEXT PRIMARY KEY,
    answer   TEXT NOT NULL,                 -- confirm | dismiss
    reason   TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
