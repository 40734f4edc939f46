-- ARGV: 3 task id, 4 delivery id, 5 url, 6 state, 7 attempts JSON, 8 the next attempt as a distance from now in
-- microseconds, or '' for none. Replaces the task's delivery; returns 0, writing nothing, when it has none (the
-- task was pruned meanwhile: a late attempt's record does not bring it back), else 1.
local id = ARGV[3]
local wkey = P .. 'w:' .. id
if redis.call('EXISTS', wkey) == 0 then return 0 end
redis.call('HSET', wkey, 'did', ARGV[4], 'url', ARGV[5], 'st', ARGV[6], 'att', ARGV[7])
if ARGV[8] == '' then
  redis.call('HDEL', wkey, 'next')
  redis.call('ZREM', P .. 'wdue', id)
  return 1
end
local nxt = now_us() + tonumber(ARGV[8])
redis.call('HSET', wkey, 'next', nxt)
if ARGV[6] == 'PENDING' then
  redis.call('ZADD', P .. 'wdue', nxt, id)
else
  redis.call('ZREM', P .. 'wdue', id)
end
return 1
