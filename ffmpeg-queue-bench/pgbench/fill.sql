-- The tasks table of ffmpeg-queue-postgres (schema public, prefix ffq_) refilled with 400,000 PENDING tasks,
-- each with a request of about 320 bytes of JSON, due an hour ago. Used by ceiling.sh.
TRUNCATE ffq_tasks CASCADE;
INSERT INTO ffq_tasks (id, status, priority, run_at, created_at, max_attempts, request, tenant)
SELECT gen_random_uuid()::text, 'PENDING', 0, now() - interval '1 hour' + g * interval '1 microsecond', now(), 3,
 ('{"command":"ffmpeg -i {{in_1}} -c:v libx264 -preset veryfast {{out_1}}","input_files":{"in_1":"https://example.com/input/video-' || g || '.mp4"},"output_files":{"out_1":"out.mp4"},"priority":0,"timeout_seconds":3600,"metadata":{"k":"v","n":"' || g || '"},"created_at":"2026-11-29T12:00:00Z","max_attempts":3,"webhook_url":null}')::json, ''
FROM generate_series(1, 400000) g;
VACUUM ANALYZE ffq_tasks;
