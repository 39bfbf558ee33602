-- Fencing: the run lock's generation number, issued here each time a run takes the lock.
-- A write transaction of a run that holds an older generation is refused (it was frozen and
-- another run took its lock over). One row, created with the table.
CREATE TABLE run_fence (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    token      TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL DEFAULT ''
);
INSERT INTO run_fence (id, generation) VALUES (1, 0);
-- The generation that marked an outbox message sent (or failed), for the audit.
ALTER TABLE outbox ADD COLUMN generation INTEGER;
-- Who ran a run: a row left 'running' by a killed process is recognised and marked interrupted.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
ALTER TABLE runs ADD COLUMN generation INTEGER
