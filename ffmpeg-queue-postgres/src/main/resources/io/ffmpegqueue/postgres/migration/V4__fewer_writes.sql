-- ffmpeg-queue-postgres, migration 4: fewer writes per task. Every change of status is an update that
-- adds an entry to the primary key and to each index whose predicate the new row matches; these indexes are
-- what is left when each does one job.

-- The claim reads the ready rows tenant by tenant: the index by tenant serves it, and everything that read
-- the ready index without a tenant (the pending count, the next delayed task) reads it as well. It takes the
-- name the ready index had.
DROP INDEX ${schema}.${prefix}tasks_ready_idx;
ALTER INDEX ${schema}.${prefix}tasks_tenant_ready_idx RENAME TO ${prefix}tasks_ready_idx;

-- One index of running rows, for the reaper, the listing and each tenant's running count (running rows are
-- few: sorting them is cheap). Its predicate names lease_owner (set exactly while a row is RUNNING) so that
-- statements that find their rows by id and check status = 'RUNNING' (the finish) are never planned through
-- it: after a burst it holds many dead entries until VACUUM, while the primary key finds each row at once.
DROP INDEX ${schema}.${prefix}tasks_running_idx;
DROP INDEX ${schema}.${prefix}tasks_tenant_running_idx;
CREATE INDEX ${prefix}tasks_running_idx ON ${schema}.${prefix}tasks (tenant)
  WHERE status = 'RUNNING' AND lease_owner IS NOT NULL;

-- Tenants' turns are kept by each worker process (see docs/tenants.md): a turn written by every claim cost
-- more than the rest of the claim, and made claims wait for each other on the tenant's row. The claim finds
-- the tenants with ready rows in the ready index, so nothing needs the list of tenants either.
DROP TABLE ${schema}.${prefix}tenants;
DROP SEQUENCE ${schema}.${prefix}tenant_turns;

-- The request is written once and read back whole, never searched inside by the backend: as json it is
-- stored as sent and returned as stored, where jsonb is parsed into its binary form on every insert and
-- printed back on every claim and read. (Ad-hoc queries with -> and ->> work on json too.) This rewrites the
-- table once.
ALTER TABLE ${schema}.${prefix}tasks ALTER COLUMN request TYPE json;
