-- ARGV: 3 id, 4 idempotency key or '', 5 capacity, 6 priority (8 hex digits), 7 tenant, 8 max attempts,
-- 9 delay in microseconds, 10 the request JSON, 11 run-at, 12 webhook URL or ''.
-- Returns {1} when stored, {0, hash} for the earlier task with the key (or id), {-1} when full.
local id, ik = ARGV[3], ARGV[4]
if ik ~= '' then
  local other = redis.call('HGET', P .. 'idem', ik)
  if other then
    local h = redis.call('HGETALL', tkey(other))
    if #h > 0 then return {0, h} end
  end
end
local key = tkey(id)
if redis.call('EXISTS', key) == 1 then return {0, redis.call('HGETALL', key)} end
if redis.call('ZCARD', P .. 'pending') >= tonumber(ARGV[5]) then return {-1} end
local rk = ARGV[6] .. string.format('%012x', redis.call('INCR', P .. 'seq')) .. id
redis.call('HSET', key, 'req', ARGV[10], 'st', 'PENDING', 'at', 0, 'run', ARGV[11], 'rk', rk, 'tn', ARGV[7],
  'ma', ARGV[8])
if ARGV[12] ~= '' then redis.call('HSET', key, 'wh', ARGV[12]) end -- its delivery is stored when it ends
if ik ~= '' then
  redis.call('HSET', key, 'ik', ik)
  redis.call('HSET', P .. 'idem', ik, id)
end
redis.call('ZADD', P .. 'pending', 0, rk)
local delay = tonumber(ARGV[9])
if delay > 0 then
  redis.call('ZADD', P .. 'delayed', now_us() + delay, id)
else
  add_ready(rk, ARGV[7])
end
event('SUBMITTED', id) -- also wakes idle claimers, as every message on the channel does
return {1}
