-- ffmpeg-queue-postgres, migration 7: fencing across retries by hand, and the dashboard's reads at scale.

-- A retry by hand starts a new attempt series with attempt 0, so the attempt alone no longer tells a lease of
-- the old series from one of the new. The attempts of the series before the last retry, added up: a lease's
-- fencing token is attempts_before + attempt, which only grows over the task's life. A constant default:
-- no rewrite of the table.
ALTER TABLE ${schema}.${prefix}tasks ADD COLUMN attempts_before integer NOT NULL DEFAULT 0;
