-- Repeats in two tiers, the clerk's answers to suspected repeats, and the word features cache.
-- (No semicolons in comments.)
ALTER TABLE analysis_petition ADD COLUMN repeat_tier TEXT NOT NULL DEFAULT '';
-- A clerk's answer to a proposed repeat link, kept for good: a rejected pair is never proposed
-- again and a confirmed one is a repeat whatever the score says.
CREATE TABLE analysis_repeat_decision (
    ref        TEXT NOT NULL,                      -- the later petition (the one the clerk answered on)
    other      TEXT NOT NULL,                      -- the earlier petition it was linked to
    answer     TEXT NOT NULL,                      -- confirm | reject
    decided_at TEXT NOT NULL,
    PRIMARY KEY (ref, other)
);
-- Segmenting a petition is the costly step of the analysis: its word features are kept here,
-- keyed by a digest of the text and of the word lists, and recomputed only when either changes.
CREATE TABLE analysis_features (
    ref    TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    data   TEXT NOT NULL                           -- JSON: tokens, demand tokens, objects, amounts, spots
);
