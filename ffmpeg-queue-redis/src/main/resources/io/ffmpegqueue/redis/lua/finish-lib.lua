-- Ends the attempt of task id whose lease has fencing token `token`: kind is COMPLETED (payload: outputs JSON),
-- FAILED or CANCELLED (payload: error JSON; a task with a webhook URL gets its delivery, and its children follow: graph-lib's settle), RETRY (error JSON; PENDING again after delay_us) or RELEASED (PENDING again, ready at once).
-- Returns what the server set, {run-at, finished-at, progress}, or false, writing nothing, when the lease is no
-- longer current (the fencing check).
local function finish(id, token, kind, payload, delay_us, now)
  local key = tkey(id)
  local st, at, tn, pg, run, wh, ab = unpack(redis.call('HMGET', key, 'st', 'at', 'tn', 'pg', 'run', 'wh', 'ab'))
  if st ~= 'RUNNING' or fence(ab, at) ~= token then return false end
  redis.call('ZREM', P .. 'leases', id)
  local running = redis.call('HINCRBY', P .. 'running', tn, -1)
  if kind == 'RETRY' or kind == 'RELEASED' then
    redis.call('HDEL', key, 'le', 'wk', 'cx')
    if kind == 'RETRY' then redis.call('HSET', key, 'err', payload) end
    -- A hand-back at a worker's shutdown is not an attempt of the task's own: not counted.
    if kind == 'RELEASED' then redis.call('HINCRBY', key, 'at', -1) end
    back_to_pending(id, key, kind == 'RETRY' and delay_us or 0, now)
    if kind == 'RETRY' then event('RETRY_SCHEDULED', id) end
    return {now + (kind == 'RETRY' and math.max(0, delay_us) or 0), false, pg}
  end
  if kind == 'COMPLETED' then
    redis.call('HSET', key, 'out', payload, 'st', kind, 'fa', now)
    redis.call('HDEL', key, 'le', 'wk', 'cx', 'err')
  else
    redis.call('HSET', key, 'err', payload, 'st', kind, 'fa', now)
    redis.call('HDEL', key, 'le', 'wk', 'cx')
  end
  redis.call('ZADD', P .. 'final', now, id)
  redis.call('ZADD', P .. 's:' .. kind, now, id)
  store_webhook(id, wh, now)
  event(kind, id)
  settle(id, now) -- its children: readied when it was their last parent, or taken down with it
  if running <= 0 then forget_if_idle(tn) end -- its ready tasks are as they were; only its running count fell
  return {run, now, pg}
end
