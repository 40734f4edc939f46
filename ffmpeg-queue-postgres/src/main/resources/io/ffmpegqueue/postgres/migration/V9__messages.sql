-- ffmpeg-queue-postgres, migration 9: the tasks' messages to other systems (io.ffmpegqueue.spi.MessageOutbox),
-- such as the Celery result the AMQP bridge owes a task's client: added when the task is taken in, claimed by
-- any process once due, deleted once the broker confirmed the message, and removed with the task.

CREATE TABLE ${schema}.${prefix}messages (
  task_id          text        NOT NULL,
  -- The delivery's name within its task.
  delivery_id      text        NOT NULL,
  -- Where it goes, e.g. amqp:celery-result.
  target           text        NOT NULL,
  attempts         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  -- When it is due (or until when a process holds it).
  next_attempt_at  timestamptz NOT NULL,
  CONSTRAINT ${prefix}messages_pkey PRIMARY KEY (task_id, delivery_id),
  CONSTRAINT ${prefix}messages_task_fkey FOREIGN KEY (task_id)
    REFERENCES ${schema}.${prefix}tasks (id) ON DELETE CASCADE
);

CREATE INDEX ${prefix}messages_due_idx ON ${schema}.${prefix}messages (next_attempt_at);
