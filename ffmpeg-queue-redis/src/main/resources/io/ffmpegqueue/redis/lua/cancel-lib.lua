-- Cancels task id, for cancel.lua and await.lua: a PENDING one (ready, delayed or waiting) ends CANCELLED with the
-- error JSON err, and what waits for it follows (graph-lib's settle); a RUNNING one is asked to stop. Its notices
-- go out with origin who: the caller's ORIGIN when its own process tells its listeners itself, '*' when every
-- process's listeners must hear them. Returns 1 when it changed the task, 0 when not, false when there is none.
local function cancel_task(id, err, now, who)
  local key = tkey(id)
  local st, cx, tn, rk = unpack(redis.call('HMGET', key, 'st', 'cx', 'tn', 'rk'))
  if not st then return false end
  if st == 'PENDING' then
    redis.call('ZREM', P .. 'r:' .. tn, rk)
    redis.call('ZREM', P .. 'pending', rk)
    redis.call('ZREM', P .. 'delayed', id)
    place(tn)
    redis.call('HSET', key, 'err', err)
    end_final(id, key, 'CANCELLED', now)
    redis.call('PUBLISH', P .. 'ev', 'E|' .. who .. '|CANCELLED|' .. id)
    settle(id, now) -- what waits for it is cancelled too
    return 1
  elseif st == 'RUNNING' and cx ~= '1' then
    redis.call('HSET', key, 'cx', '1')
    redis.call('PUBLISH', P .. 'ev', 'C|' .. who .. '|' .. id)
    return 1
  end
  return 0
end
