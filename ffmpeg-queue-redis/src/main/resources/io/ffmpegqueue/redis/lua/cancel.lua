-- ARGV: 3 id, 4 the error JSON of a task cancelled before it started (waiting or ready). Returns {changed, hash}, or an empty
-- list when there is no such task.
local id = ARGV[3]
local key = tkey(id)
local st, cx, tn, rk = unpack(redis.call('HMGET', key, 'st', 'cx', 'tn', 'rk'))
if not st then return {} end
local changed = 0
if st == 'PENDING' then
  redis.call('ZREM', P .. 'r:' .. tn, rk)
  redis.call('ZREM', P .. 'pending', rk)
  redis.call('ZREM', P .. 'delayed', id)
  place(tn)
  redis.call('HSET', key, 'err', ARGV[4])
  local now = now_us()
  end_final(id, key, 'CANCELLED', now)
  event('CANCELLED', id)
  settle(id, now) -- what waits for it is cancelled too
  changed = 1
elseif st == 'RUNNING' and cx ~= '1' then
  redis.call('HSET', key, 'cx', '1')
  redis.call('PUBLISH', P .. 'ev', 'C|' .. ORIGIN .. '|' .. id)
  changed = 1
end
return {changed, redis.call('HGETALL', key)}
