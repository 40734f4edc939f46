-- ffmpeg-queue-postgres, migration 5: task management (retry by hand, search, the worker registry).

-- The attempt series a task ended before each retry by hand, kept with the task (removed with it).
CREATE TABLE ${schema}.${prefix}attempt_series (
  task_id     text        NOT NULL,
  series      integer     NOT NULL,
  attempts    integer     NOT NULL,
  status      text        NOT NULL,
  -- The TaskJson "error" object, or NULL.
  error       jsonb,
  started_at  timestamptz,
  finished_at timestamptz NOT NULL,
  CONSTRAINT ${prefix}attempt_series_pkey PRIMARY KEY (task_id, series),
  CONSTRAINT ${prefix}attempt_series_task_fkey FOREIGN KEY (task_id)
    REFERENCES ${schema}.${prefix}tasks (id) ON DELETE CASCADE
);

-- The search's order and keyset (newest first, the id breaking ties): a page is an index range scan however
-- many tasks there are. created_at never changes, so heartbeats and claims stay HOT updates.
CREATE INDEX ${prefix}tasks_created_idx ON ${schema}.${prefix}tasks (created_at, id);

-- Worker processes, one row each, written by its heartbeats; rows long unheard are removed by the readers.
CREATE TABLE ${schema}.${prefix}workers (
  id             text        NOT NULL,
  host           text        NOT NULL,
  pid            bigint      NOT NULL,
  version        text        NOT NULL,
  workers        integer     NOT NULL,
  started_at     timestamptz NOT NULL,
  last_heartbeat timestamptz NOT NULL,
  tasks_running  integer     NOT NULL,
  CONSTRAINT ${prefix}workers_pkey PRIMARY KEY (id)
);
