-- ffmpeg-queue-postgres, migration 2: webhook deliveries, one per task that ended with a webhook URL.
-- Apart from the tasks table, so heartbeats and claims never touch it; removed with its task by retention.

CREATE TABLE ${schema}.${prefix}webhooks (
  task_id          text        NOT NULL,
  -- The X-FFQ-Delivery id, the same for every attempt.
  delivery_id      text        NOT NULL,
  url              text        NOT NULL,
  state            text        NOT NULL,
  -- Every attempt so far: [{"at": ..., "status_code": 500 | null, "error": ... | null}, ...]
  attempts         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  -- When the next attempt is due (or until when a process holds it), NULL once delivered or failed.
  next_attempt_at  timestamptz,
  CONSTRAINT ${prefix}webhooks_pkey PRIMARY KEY (task_id),
  CONSTRAINT ${prefix}webhooks_task_fkey FOREIGN KEY (task_id)
    REFERENCES ${schema}.${prefix}tasks (id) ON DELETE CASCADE,
  CONSTRAINT ${prefix}webhooks_state_check CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED'))
);

CREATE INDEX ${prefix}webhooks_due_idx ON ${schema}.${prefix}webhooks (next_attempt_at)
  WHERE state = 'PENDING';
