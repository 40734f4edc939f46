-- The least this issue's design writes per task, for comparison with round.sql: the end of the previous round's
-- rows and a claim of :n more with no tenants, no plan settings and fewer columns. Used by ceiling.sh.
BEGIN;
UPDATE ffq_tasks t SET status = 'COMPLETED', outputs = u.outputs::jsonb, progress = 1.0, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL FROM unnest(:ids::text[], :atts::int[], :outs::text[]) AS u(id, attempt, outputs) WHERE t.id = u.id AND t.attempt = u.attempt AND t.status = 'RUNNING';
WITH c AS (SELECT id FROM ffq_tasks WHERE status = 'PENDING' ORDER BY tenant, priority, run_at, seq LIMIT :n FOR UPDATE SKIP LOCKED),
 up AS (UPDATE ffq_tasks t SET status = 'RUNNING', attempt = t.attempt + 1, started_at = now(), lease_owner = 'w1', lease_expires_at = now() + interval '60 s' FROM c WHERE t.id = c.id RETURNING t.id, t.attempt, t.request)
SELECT coalesce(array_agg(id)::text,'{}') AS ids, coalesce(array_agg(attempt)::text,'{}') AS atts, coalesce(array_agg('[{"name":"out_1","url":"file:///tmp/x/out.mp4"}]'::text)::text,'{}') AS outs FROM up \gset
COMMIT;
