-- ARGV: 3 retention age in microseconds, 4 retention count, 5 most tasks. Removes final tasks past the age,
-- then the oldest past the count, each with its webhook delivery; returns how many it removed.
local now = now_us()
local batch = tonumber(ARGV[5])
local ids = redis.call('ZRANGEBYSCORE', P .. 'final', '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, batch)
local excess = redis.call('ZCARD', P .. 'final') - #ids - tonumber(ARGV[4])
if excess > 0 and #ids < batch then
  for _, id in ipairs(redis.call('ZRANGE', P .. 'final', #ids, #ids + math.min(excess, batch - #ids) - 1)) do
    ids[#ids + 1] = id
  end
end
for _, id in ipairs(ids) do
  local key = tkey(id)
  local st, ik, wh = unpack(redis.call('HMGET', key, 'st', 'ik', 'wh'))
  if wh then
    redis.call('DEL', key, P .. 'w:' .. id) -- its webhook delivery goes with it
    redis.call('ZREM', P .. 'wdue', id)
  else
    redis.call('DEL', key)
  end
  redis.call('ZREM', P .. 'final', id)
  if st then redis.call('ZREM', P .. 's:' .. st, id) end
  if ik and redis.call('HGET', P .. 'idem', ik) == id then
    redis.call('HDEL', P .. 'idem', ik)
  end
end
return #ids
