-- Moves the delayed tasks that are due into their tenants' ready sets.
local function promote(now)
  local due = redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now, 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', P .. 'delayed', id)
    make_ready(tkey(id))
  end
end

-- Leases up to n ready tasks to worker for lease_us, in turns between tenants; a tenant at its running limit
-- (0: none) is passed over. Returns the leased tasks' hashes, then (when none) the microseconds until the
-- next delayed task is due (-1: none) as the first element.
local function claim(worker, n, lease_us, deflimit, limits, now)
  promote(now)
  local out = {0}
  local skipped = {}
  while #out <= n do
    local m = redis.call('ZRANGE', P .. 'turns', 0, 0)[1]
    if not m then break end
    local tn = string.sub(m, 21)
    local limit = limits[tn] or deflimit
    if limit > 0 and tonumber(redis.call('HGET', P .. 'running', tn) or '0') >= limit then
      redis.call('ZREM', P .. 'turns', m)
      skipped[#skipped + 1] = m
    else
      local rkey = P .. 'r:' .. tn
      local rk = redis.call('ZPOPMIN', rkey)[1]
      redis.call('ZREM', P .. 'pending', rk)
      local id = string.sub(rk, 21)
      local key = tkey(id)
      local exp = now + lease_us
      redis.call('HINCRBY', key, 'at', 1)
      -- progress '' is none yet, cx '0' no cancel requested
      redis.call('HSET', key, 'st', 'RUNNING', 'sa', now, 'le', exp, 'wk', worker, 'pg', '', 'cx', '0')
      redis.call('ZADD', P .. 'leases', exp, id)
      redis.call('HINCRBY', P .. 'running', tn, 1)
      local served = string.format('%012x', redis.call('INCR', P .. 'seq:served'))
      redis.call('HSET', P .. 'served', tn, served)
      -- Its new place (as place() would find it, without reading back what is known here).
      redis.call('ZREM', P .. 'turns', m)
      local first = redis.call('ZRANGE', rkey, 0, 0)[1]
      if first then
        local nm = string.sub(first, 1, 8) .. served .. tn
        redis.call('ZADD', P .. 'turns', 0, nm)
        redis.call('HSET', P .. 'turn', tn, nm)
      else
        redis.call('HDEL', P .. 'turn', tn)
      end
      event('STARTED', id)
      out[#out + 1] = redis.call('HGETALL', key)
    end
  end
  for _, m in ipairs(skipped) do
    redis.call('ZADD', P .. 'turns', 0, m)
  end
  if #out == 1 then
    local nxt = redis.call('ZRANGE', P .. 'delayed', 0, 0, 'WITHSCORES')[2]
    out[1] = nxt and math.max(1, tonumber(nxt) - now) or -1
  end
  return out
end
