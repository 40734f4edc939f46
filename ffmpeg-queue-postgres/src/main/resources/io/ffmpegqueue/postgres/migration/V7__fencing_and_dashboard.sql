-- ffmpeg-queue-postgres, migration 7: fencing across retries by hand, and the dashboard's reads at scale.

-- A retry by hand starts a new attempt series with attempt 0, so the attempt alone no longer tells a lease of
-- the old series from one of the new. The attempts of the series before the last retry, added up: a lease's
-- fencing token is attempts_before + attempt, which only grows over the task's life. A constant default:
-- no rewrite of the table.
ALTER TABLE ${schema}.${prefix}tasks ADD COLUMN attempts_before integer NOT NULL DEFAULT 0;

-- The dashboard's reads with a million rows. Both indexes hold final rows only: a row gets its entries once, when
-- it ends (a change of status is never a HOT update, the partial indexes name status), and no statement on
-- PENDING or RUNNING rows (the claim, the reaper) can be planned through them. PENDING and RUNNING rows have
-- their own partial indexes (V1, V4).

-- The list filtered by a final status, newest first: a range of this index however rare the status.
CREATE INDEX ${prefix}tasks_final_created_idx ON ${schema}.${prefix}tasks (status, created_at, id)
  WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED');

-- The counts of final rows by status (the overview, GET /ffmpeg/stats) are an index-only scan of this one: with
-- three values B-tree deduplication keeps it near 7 MB for a million rows, where the index above is 20 times
-- that (a count reads every entry either way; here it reads far fewer pages).
CREATE INDEX ${prefix}tasks_final_status_idx ON ${schema}.${prefix}tasks (status)
  WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED');
