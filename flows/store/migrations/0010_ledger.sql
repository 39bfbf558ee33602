-- The ledger's memory of what it last wrote (the base of the three-way merge with clerk edits)
-- and of the walk-in rows it imported (so a row whose ref never reached the book is not
-- imported twice when the book was open and only a pending file got the ref).
CREATE TABLE ledger_rows (
    book   TEXT NOT NULL,     -- file name, e.g. 信访台账2026.xlsx
    ref    TEXT NOT NULL,
    state  TEXT NOT NULL,     -- JSON: {"c": {clerk column: value as written}, "b": crc of bot cells}
    PRIMARY KEY (book, ref)
);
CREATE INDEX ledger_rows_ref ON ledger_rows(ref);
CREATE TABLE ledger_walkins (
    fingerprint TEXT PRIMARY KEY, -- sha256 of what the clerk typed in the row
    ref         TEXT NOT NULL,
    book        TEXT NOT NULL,
    at          TEXT NOT NULL
);
