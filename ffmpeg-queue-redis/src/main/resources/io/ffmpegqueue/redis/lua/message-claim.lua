-- ARGV: 3 the caller's now as a distance from the server's now in microseconds, 4 hold in microseconds, 5 most
-- deliveries. Takes the message deliveries due by then, oldest due first, and moves them on by the hold, so that
-- no other process takes them meanwhile. Returns {task id, delivery id, delivery hash} triples, after the hold.
local now = now_us() + tonumber(ARGV[3])
local hold = now + tonumber(ARGV[4])
local out = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', P .. 'mdue', '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))) do
  local mkey = P .. 'm:' .. member
  if redis.call('EXISTS', mkey) == 1 then
    redis.call('HSET', mkey, 'next', hold)
    redis.call('ZADD', P .. 'mdue', hold, member)
    local bar = string.find(member, '|', 1, true)
    out[#out + 1] = {string.sub(member, 1, bar - 1), string.sub(member, bar + 1), redis.call('HGETALL', mkey)}
  else
    redis.call('ZREM', P .. 'mdue', member)
  end
end
return out
