-- Scheduler issue: `petitionbot runs` lists the latest runs first, and by flow.
CREATE INDEX IF NOT EXISTS runs_started ON runs(started);
CREATE INDEX IF NOT EXISTS runs_flow ON runs(flow, started)
