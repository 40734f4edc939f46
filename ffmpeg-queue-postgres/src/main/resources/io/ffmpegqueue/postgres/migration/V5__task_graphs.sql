-- ffmpeg-queue-postgres, migration 5: task graphs (TaskRequest.dependsOn). A task that waits for others is
-- PENDING with run_at = 'infinity', so the claim (run_at <= now()) never takes it and no index changes; when the
-- last of its parents completes, the trigger below sets run_at = now() in the same transaction.

-- How many parents the task still waits for (not COMPLETED yet); 0 for a ready task.
ALTER TABLE ${schema}.${prefix}tasks ADD COLUMN waiting integer NOT NULL DEFAULT 0;

-- One row per edge: child waits for parent. ord is the parent's place in the child's depends_on; done is set when
-- the parent completes. The primary key finds a parent's children, the second index a child's parents.
CREATE TABLE ${schema}.${prefix}task_edges (
  parent_id text    NOT NULL,
  child_id  text    NOT NULL,
  ord       integer NOT NULL,
  done      boolean NOT NULL DEFAULT false,
  CONSTRAINT ${prefix}task_edges_pkey PRIMARY KEY (parent_id, child_id),
  CONSTRAINT ${prefix}task_edges_parent_fkey FOREIGN KEY (parent_id)
    REFERENCES ${schema}.${prefix}tasks (id) ON DELETE CASCADE,
  CONSTRAINT ${prefix}task_edges_child_fkey FOREIGN KEY (child_id)
    REFERENCES ${schema}.${prefix}tasks (id) ON DELETE CASCADE
);

CREATE INDEX ${prefix}task_edges_child_idx ON ${schema}.${prefix}task_edges (child_id, ord);

-- The graph's step, in the transaction (and statement) that ends a task, whichever statement that is (a worker's
-- finish, a cancel, the lease reaper): one indexed step per edge of the task that ended.
-- COMPLETED: each child that waits on it waits for one parent less; at 0 it is ready (run_at = now()).
-- FAILED or CANCELLED: each child that still waits is CANCELLED with error kind 'dependency' (naming this task and
-- its error, as io.ffmpegqueue.TaskError.dependency does) and its webhook delivery stored; that update ends the
-- child, so this trigger runs again for it and the cascade goes down the graph.
-- Each change is told on the backend's channel with origin 'graph', so every process's listeners hear it.
-- Children are locked in id order, so two transactions that end parents of the same children wait for each
-- other instead of deadlocking.
CREATE FUNCTION ${schema}.${prefix}task_ended() RETURNS trigger LANGUAGE plpgsql AS $fn$
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

CREATE TRIGGER ${prefix}tasks_ended AFTER UPDATE OF status ON ${schema}.${prefix}tasks
  FOR EACH ROW WHEN (NEW.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION ${schema}.${prefix}task_ended();
