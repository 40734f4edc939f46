-- The statistics' raw parts, on the server's clock: {now, counts (counts.lua's five), scheduled (delayed tasks not
-- due yet), completed per minute (60, oldest first), failed per minute (60), then run, sa, fa of each of the last
-- ARGV[3] tasks that ended in the last hour, newest first (microseconds; sa '' when it never started)}.
local now = now_us()
local minute = 60000000
local out = {now, redis.call('ZCARD', P .. 'pending') + redis.call('ZCARD', P .. 'waiting'),
  redis.call('ZCARD', P .. 'leases'), redis.call('ZCARD', P .. 's:COMPLETED'), redis.call('ZCARD', P .. 's:FAILED'),
  redis.call('ZCARD', P .. 's:CANCELLED'), redis.call('ZCOUNT', P .. 'delayed', string.format('(%d', now), '+inf')}
for _, s in ipairs({'COMPLETED', 'FAILED'}) do
  for ago = 59, 0, -1 do
    out[#out + 1] = redis.call('ZCOUNT', P .. 's:' .. s, string.format('(%d', now - (ago + 1) * minute),
      string.format('%d', now - ago * minute))
  end
end
for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', P .. 'final', string.format('%d', now),
    string.format('(%d', now - 60 * minute), 'LIMIT', 0,
    tonumber(ARGV[3]))) do
  local run, sa, fa = unpack(redis.call('HMGET', tkey(id), 'run', 'sa', 'fa'))
  out[#out + 1] = run or ''
  out[#out + 1] = sa or ''
  out[#out + 1] = fa or ''
end
return out
