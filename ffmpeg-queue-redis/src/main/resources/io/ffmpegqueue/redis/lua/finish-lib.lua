-- Ends attempt `attempt` of task id: kind is COMPLETED (payload: outputs JSON), FAILED or CANCELLED (payload:
-- error JSON), RETRY (error JSON; PENDING again after delay_us) or RELEASED (PENDING again, ready at once).
-- Returns false, writing nothing, when the lease is no longer current (the fencing check).
local function finish(id, attempt, kind, payload, delay_us, now)
  local key = tkey(id)
  local st, at, tn = unpack(redis.call('HMGET', key, 'st', 'at', 'tn'))
  if st ~= 'RUNNING' or at ~= attempt then return false end
  leave_running(id, key, tn)
  if kind == 'COMPLETED' then
    redis.call('HSET', key, 'out', payload)
    redis.call('HDEL', key, 'err')
  elseif kind ~= 'RELEASED' then
    redis.call('HSET', key, 'err', payload)
  end
  if kind == 'RETRY' or kind == 'RELEASED' then
    back_to_pending(id, key, kind == 'RETRY' and delay_us or 0, now)
    if kind == 'RETRY' then event('RETRY_SCHEDULED', id) end
  else
    end_final(id, key, kind, now)
    event(kind, id)
  end
  forget_if_idle(tn) -- its ready tasks are as they were; only its running count fell
  return true
end
