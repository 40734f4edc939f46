-- ffmpeg-queue-postgres, migration 1: the tasks table (in the backend's schema, named with its prefix).

CREATE TABLE ${schema}.${prefix}tasks (
  -- Submission order: the tie-breaker after priority and run_at.
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  id               text             NOT NULL,
  status           text             NOT NULL,
  -- Lower runs first.
  priority         integer          NOT NULL,
  -- The earliest time a worker may take the task, on the database's clock.
  run_at           timestamptz      NOT NULL,
  created_at       timestamptz      NOT NULL,
  -- Attempts started so far; also the fencing token of the current lease.
  attempt          integer          NOT NULL DEFAULT 0,
  max_attempts     integer          NOT NULL,
  idempotency_key  text,
  -- The task as submitted, in io.ffmpegqueue.TaskJson form without its state fields (the columns here
  -- hold those): command, input_files, output_files, priority, timeout_seconds, metadata, created_at...
  request          jsonb            NOT NULL,
  progress         double precision,
  -- The TaskJson "outputs" array once COMPLETED, written with the status in one statement.
  outputs          jsonb,
  -- The TaskJson "error" object, or NULL.
  error            jsonb,
  started_at       timestamptz,
  finished_at      timestamptz,
  lease_owner      text,
  -- When the current lease lapses unless renewed, on the database's clock.
  lease_expires_at timestamptz,
  cancel_requested boolean          NOT NULL DEFAULT false,
  CONSTRAINT ${prefix}tasks_pkey PRIMARY KEY (id),
  CONSTRAINT ${prefix}tasks_status_check
    CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'))
) WITH (fillfactor = 90);

-- The claim's index: only PENDING rows, so it stays small however long the history grows.
CREATE INDEX ${prefix}tasks_ready_idx ON ${schema}.${prefix}tasks (priority, run_at, seq)
  WHERE status = 'PENDING';

-- Running tasks, for the reaper and for listing. It leaves lease_expires_at out, so that a heartbeat
-- changes no indexed column and can be a HOT update.
CREATE INDEX ${prefix}tasks_running_idx ON ${schema}.${prefix}tasks (started_at)
  WHERE status = 'RUNNING';

-- Final tasks by age, for listing newest first and for retention.
CREATE INDEX ${prefix}tasks_finished_idx ON ${schema}.${prefix}tasks (finished_at, seq)
  WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED');

CREATE UNIQUE INDEX ${prefix}tasks_idempotency_key_idx ON ${schema}.${prefix}tasks (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
