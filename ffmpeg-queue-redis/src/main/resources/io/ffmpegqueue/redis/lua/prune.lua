-- ARGV: 3 retention age in microseconds, 4 retention count, 5 most tasks, 6 how many of the oldest final tasks an
-- earlier call of this prune kept. Removes final tasks past the age, then the oldest past the count, each with its
-- webhook delivery, but keeps those that a child that has not ended still needs (its 'hd' above 0: graph-lib).
-- Returns {removed, kept}.
local now = now_us()
local batch, from = tonumber(ARGV[5]), tonumber(ARGV[6])
local ids = redis.call('ZRANGEBYSCORE', P .. 'final', '-inf', now - tonumber(ARGV[3]), 'LIMIT', from, batch)
-- Past the count: the kept ones stay, so the oldest others go in their stead.
local excess = redis.call('ZCARD', P .. 'final') - #ids - tonumber(ARGV[4])
if excess > 0 and #ids < batch then
  local at = from + #ids
  for _, id in ipairs(redis.call('ZRANGE', P .. 'final', at, at + math.min(excess, batch - #ids) - 1)) do
    ids[#ids + 1] = id
  end
end
local removed = 0
for _, id in ipairs(ids) do
  local hd = redis.call('HGET', tkey(id), 'hd')
  if tonumber(hd or '0') <= 0 then
    removed = removed + 1
    remove_task(id)
  end
end
return {removed, #ids - removed}
