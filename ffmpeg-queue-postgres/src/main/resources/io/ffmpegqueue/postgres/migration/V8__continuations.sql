-- ffmpeg-queue-postgres, migration 8: continuations (Outcome.Await, io.ffmpegqueue.spi.TaskContinuations).
-- An edge that an Await added is marked awaited. When its parent ends FAILED or CANCELLED, the child that awaits it
-- is readied (waiting = 0, run_at = now()) instead of cancelled: it runs again and decides what that end means (a
-- split task fails with its part's error and cancels its other parts). The task_ended function of migration 5
-- is replaced by the same with that first step in its FAILED / CANCELLED branch; its other edges, still open, are
-- then ignored (the child waits for nothing any more: waiting = 0).

ALTER TABLE ${schema}.${prefix}task_edges ADD COLUMN awaited boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION ${schema}.${prefix}task_ended() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  kid text;
  message text;
  readied boolean := false;
BEGIN
  PERFORM 1 FROM ${schema}.${prefix}tasks t
    WHERE t.id IN (SELECT e.child_id FROM ${schema}.${prefix}task_edges e WHERE e.parent_id = NEW.id AND NOT e.done)
    ORDER BY t.id FOR NO KEY UPDATE;
  IF NEW.status = 'COMPLETED' THEN
    FOR kid IN
      WITH d AS (UPDATE ${schema}.${prefix}task_edges SET done = true
                 WHERE parent_id = NEW.id AND NOT done RETURNING child_id),
           r AS (UPDATE ${schema}.${prefix}tasks t SET waiting = t.waiting - 1,
                   run_at = CASE WHEN t.waiting = 1 THEN now() ELSE t.run_at END
                 FROM d WHERE t.id = d.child_id AND t.status = 'PENDING' AND t.waiting > 0
                 RETURNING t.id, t.waiting)
      SELECT r.id FROM r WHERE r.waiting = 0
    LOOP
      PERFORM pg_notify('${schema}.${prefix}tasks', 'E|graph|READY:' || kid);
      readied := true;
    END LOOP;
    IF readied THEN
      PERFORM pg_notify('${schema}.${prefix}tasks', 'r|graph');
    END IF;
  ELSE
    FOR kid IN
      WITH a AS (UPDATE ${schema}.${prefix}task_edges SET done = true
                 WHERE parent_id = NEW.id AND NOT done AND awaited RETURNING child_id),
           r AS (UPDATE ${schema}.${prefix}tasks t SET waiting = 0, run_at = now()
                 FROM a WHERE t.id = a.child_id AND t.status = 'PENDING' AND t.waiting > 0
                 RETURNING t.id)
      SELECT r.id FROM r
    LOOP
      PERFORM pg_notify('${schema}.${prefix}tasks', 'E|graph|READY:' || kid);
      readied := true;
    END LOOP;
    IF readied THEN
      PERFORM pg_notify('${schema}.${prefix}tasks', 'r|graph');
    END IF;
    message := 'task ' || NEW.id || CASE WHEN NEW.status = 'FAILED' THEN ' failed' ELSE ' was cancelled' END
      || coalesce(': ' || (NEW.error->>'message'), '');
    IF length(message) > 1000 THEN
      message := left(message, 997) || '...';
    END IF;
    FOR kid IN
      WITH c AS (UPDATE ${schema}.${prefix}tasks t SET status = 'CANCELLED', waiting = 0, run_at = t.created_at,
                   finished_at = now(), progress = NULL,
                   error = jsonb_build_object('kind', 'dependency', 'message', message, 'stderr_tail', NULL)
                 FROM ${schema}.${prefix}task_edges e
                 WHERE e.parent_id = NEW.id AND NOT e.done AND t.id = e.child_id AND t.status = 'PENDING'
                   AND t.waiting > 0
                 RETURNING t.id, t.request->>'webhook_url' AS url),
           h AS (INSERT INTO ${schema}.${prefix}webhooks (task_id, delivery_id, url, state, next_attempt_at)
                 SELECT c.id, overlay(overlay(m.h placing '3' from 13 for 1) placing
                          substr('89ab', (position(substr(m.h, 17, 1) in '0123456789abcdef') - 1) % 4 + 1, 1)
                          from 17 for 1)::uuid::text, c.url, 'PENDING', now()
                 FROM c CROSS JOIN LATERAL (SELECT md5('ffq-webhook:' || c.id) AS h) m
                 WHERE c.url IS NOT NULL ON CONFLICT (task_id) DO NOTHING)
      SELECT c.id FROM c
    LOOP
      PERFORM pg_notify('${schema}.${prefix}tasks', 'E|graph|CANCELLED:' || kid);
    END LOOP;
  END IF;
  RETURN NULL;
END
$fn$;
