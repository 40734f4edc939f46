-- ARGV: 3 id, 4 the error JSON of a task cancelled before it started (waiting or ready). Returns {changed, hash}, or an empty
-- list when there is no such task.
local id = ARGV[3]
local changed = cancel_task(id, ARGV[4], now_us(), ORIGIN)
if not changed then return {} end
return {changed, redis.call('HGETALL', tkey(id))}
