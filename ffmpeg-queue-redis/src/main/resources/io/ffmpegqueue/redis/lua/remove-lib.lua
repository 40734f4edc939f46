-- Removes final task id for good, for prune and the admin's delete: its hash, webhook delivery, message
-- deliveries ('ms:<id>', see RedisMessages.java), attempt history
-- ('h:<id>'), place in the final, status and creation ('created') sets, idempotency key, and its edges in the
-- graph (its own children have all ended: the callers keep a task whose 'hd' is above 0).
local function remove_task(id)
  local key = tkey(id)
  local st, ik, wh, ck = unpack(redis.call('HMGET', key, 'st', 'ik', 'wh', 'ck'))
  if wh then
    redis.call('DEL', P .. 'w:' .. id) -- its webhook delivery goes with it
    redis.call('ZREM', P .. 'wdue', id)
  end
  for _, did in ipairs(redis.call('SMEMBERS', P .. 'ms:' .. id)) do
    redis.call('DEL', P .. 'm:' .. id .. '|' .. did)
    redis.call('ZREM', P .. 'mdue', id .. '|' .. did)
  end
  redis.call('DEL', key, P .. 'h:' .. id, P .. 'ms:' .. id)
  redis.call('ZREM', P .. 'final', id)
  if st then redis.call('ZREM', P .. 's:' .. st, id) end
  if ck then redis.call('ZREM', P .. 'created', ck) end
  if ik and redis.call('HGET', P .. 'idem', ik) == id then
    redis.call('HDEL', P .. 'idem', ik)
  end
  -- No longer one of its parents' dependents.
  local ps = redis.call('GET', P .. 'ps:' .. id)
  if ps then
    for p in string.gmatch(ps, '%S+') do redis.call('ZREM', P .. 'ch:' .. p, id) end
    redis.call('DEL', P .. 'ps:' .. id)
  end
  redis.call('DEL', P .. 'ch:' .. id)
end
