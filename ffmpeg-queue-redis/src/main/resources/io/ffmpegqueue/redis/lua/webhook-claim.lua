-- ARGV: 3 the caller's now as a distance from the server's now in microseconds (0 when the clocks agree),
-- 4 hold in microseconds, 5 most deliveries. Takes the PENDING webhook deliveries due by then, oldest due first,
-- and moves their next attempt on by the hold, so that no other process takes them meanwhile. Returns
-- {task id, delivery hash} pairs, after the hold.
local now = now_us() + tonumber(ARGV[3])
local hold = now + tonumber(ARGV[4])
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'wdue', '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))) do
  local wkey = P .. 'w:' .. id
  if redis.call('EXISTS', wkey) == 1 then
    redis.call('HSET', wkey, 'next', hold)
    redis.call('ZADD', P .. 'wdue', hold, id)
    out[#out + 1] = {id, redis.call('HGETALL', wkey)}
  else
    redis.call('ZREM', P .. 'wdue', id)
  end
end
return out
