-- ARGV: 3 id, 4 idempotency key or '', 5 capacity, 6 priority (8 hex digits), 7 tenant, 8 max attempts,
-- 9 delay in microseconds, 10 the request JSON, 11 run-at, 12 webhook URL or '', 13 its parents (dependsOn, ids
-- separated by spaces) or '', 14 its creation time (16 hex digits of microseconds: the 'created' index's order).
-- Returns {1, the parents it waits for (separated by spaces; '': ready)} when stored,
-- {2, hash} when stored CANCELLED at once (a parent had failed or been cancelled), {0, hash} for the earlier task
-- with the key (or id), {-1} when full, {-2, parent} when a parent is not stored or is the task itself.
local id, ik = ARGV[3], ARGV[4]
if ik ~= '' then
  local other = redis.call('HGET', P .. 'idem', ik)
  if other then
    local h = snapshot(other)
    if #h > 0 then return {0, h} end
  end
end
local key = tkey(id)
if redis.call('EXISTS', key) == 1 then return {0, snapshot(id)} end
local parents = parents_of(ARGV[13])
local waits, dead = {}, nil
for _, p in ipairs(parents) do
  local st = p ~= id and redis.call('HGET', tkey(p), 'st')
  if not st then return {-2, p} end
  if st ~= 'COMPLETED' then waits[#waits + 1] = p end
  if not dead and (st == 'FAILED' or st == 'CANCELLED') then dead = p end
end
-- Waiting tasks count as pending.
if redis.call('ZCARD', P .. 'pending') + redis.call('ZCARD', P .. 'waiting') >= tonumber(ARGV[5]) then return {-1} end
local seq = redis.call('INCR', P .. 'seq')
local rk = ARGV[6] .. string.format('%012x', seq) .. id
redis.call('HSET', key, 'req', ARGV[10], 'st', 'PENDING', 'at', 0, 'run', ARGV[11], 'rk', rk, 'tn', ARGV[7],
  'ma', ARGV[8], 'ck', ARGV[14] .. id)
redis.call('ZADD', P .. 'created', 0, ARGV[14] .. id) -- the admin's search walks it (RedisTaskAdmin)
if ARGV[12] ~= '' then redis.call('HSET', key, 'wh', ARGV[12]) end -- its delivery is stored when it ends
if ik ~= '' then
  redis.call('HSET', key, 'ik', ik)
  redis.call('HSET', P .. 'idem', ik, id)
end
event('SUBMITTED', id) -- also wakes idle claimers, as every message on the channel does
if #parents > 0 then
  redis.call('SET', P .. 'ps:' .. id, ARGV[13])
  for _, p in ipairs(parents) do
    redis.call('ZADD', P .. 'ch:' .. p, seq, id)
    redis.call('HINCRBY', tkey(p), 'hd', 1) -- kept while this task has not ended (prune.lua)
  end
end
if dead then
  local pst, perr = unpack(redis.call('HMGET', tkey(dead), 'st', 'err'))
  local now = now_us()
  redis.call('HSET', key, 'err', dependency_error(dead, pst, perr))
  end_final(id, key, 'CANCELLED', now)
  event('CANCELLED', id)
  settle(id, now) -- lets go of its parents
  return {2, redis.call('HGETALL', key)}
end
if #waits > 0 then
  for i = 1, #waits, 1000 do
    redis.call('SADD', P .. 'wf:' .. id, unpack(waits, i, math.min(i + 999, #waits)))
  end
  redis.call('HSET', key, 'wt', 1)
  redis.call('ZADD', P .. 'waiting', 0, rk)
  return {1, table.concat(waits, ' ')}
end
redis.call('ZADD', P .. 'pending', 0, rk)
local delay = tonumber(ARGV[9])
if delay > 0 then
  redis.call('ZADD', P .. 'delayed', now_us() + delay, id)
else
  add_ready(rk, ARGV[7])
end
return {1, ''}
