-- Shared by every script (see Scripts.java). ARGV[1] is the key prefix with its hash tag ("{ffq}:"),
-- ARGV[2] the calling backend's origin, so that a process can tell its own notices from others'.
-- Times are microseconds on the Redis server's clock (TIME).
local P = ARGV[1]
local ORIGIN = ARGV[2]

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function tkey(id)
  return P .. 't:' .. id
end

-- A lease's fencing token (Lease.fence()) as a task's hash holds it, in the form the lease sends it: the
-- attempts of the series before its last retry by hand ('ab', absent: none) plus the current attempt ('at').
local function fence(ab, at)
  return tostring((tonumber(ab) or 0) + (tonumber(at) or 0))
end

local function event(kind, id)
  redis.call('PUBLISH', P .. 'ev', 'E|' .. ORIGIN .. '|' .. kind .. '|' .. id)
end

local function ready_notice()
  redis.call('PUBLISH', P .. 'ev', 'R|' .. ORIGIN)
end

-- An idle tenant (nothing ready, nothing running) is forgotten, so one-off names do not pile up; when it comes
-- back it is new again.
local function forget_if_idle(tn)
  if tonumber(redis.call('HGET', P .. 'running', tn) or '0') <= 0 and redis.call('HEXISTS', P .. 'turn', tn) == 0 then
    redis.call('HDEL', P .. 'served', tn)
    redis.call('HDEL', P .. 'running', tn)
  end
end

-- A tenant's place in the turns is its best ready priority, then when it was last served (never: 0),
-- then its name: one sorted-set member, "prio8 served12 name", ordered by bytes.
local function place(tn)
  local old = redis.call('HGET', P .. 'turn', tn)
  local first = redis.call('ZRANGE', P .. 'r:' .. tn, 0, 0)[1]
  if first then
    local m = string.sub(first, 1, 8) .. (redis.call('HGET', P .. 'served', tn) or '000000000000') .. tn
    if m ~= old then
      if old then redis.call('ZREM', P .. 'turns', old) end
      redis.call('ZADD', P .. 'turns', 0, m)
      redis.call('HSET', P .. 'turn', tn, m)
    end
    return
  end
  if old then
    redis.call('ZREM', P .. 'turns', old)
    redis.call('HDEL', P .. 'turn', tn)
  end
  forget_if_idle(tn)
end

-- Puts a PENDING task in its tenant's ready set (member "prio8 seq12 id": priority, then submission order).
local function add_ready(rk, tn)
  redis.call('ZADD', P .. 'r:' .. tn, 0, rk)
  local old = redis.call('HGET', P .. 'turn', tn)
  -- A tenant in turn keeps its place unless the task is more urgent than its best ready one.
  if not old or string.sub(rk, 1, 8) < string.sub(old, 1, 8) then place(tn) end
end

local function make_ready(key)
  local rk, tn = unpack(redis.call('HMGET', key, 'rk', 'tn'))
  add_ready(rk, tn)
end

-- A PENDING task again (released, retried or reaped): ready now, or at now + delay_us.
local function back_to_pending(id, key, delay_us, now)
  local run = now + math.max(0, delay_us)
  redis.call('HSET', key, 'st', 'PENDING', 'run', run)
  redis.call('ZADD', P .. 'pending', 0, redis.call('HGET', key, 'rk'))
  if delay_us > 0 then
    redis.call('ZADD', P .. 'delayed', run, id)
  else
    make_ready(key)
    ready_notice()
  end
end

-- Stores the webhook delivery of task id, which ended now, when its request has a webhook URL (wh, false when
-- none): PENDING, no attempt yet, due now; a task that has one keeps it. Called in the script that ends the
-- task, so no crash comes between the end and its delivery.
local function store_webhook(id, wh, now)
  if not wh then return end
  local wkey = P .. 'w:' .. id
  if redis.call('EXISTS', wkey) == 1 then return end
  redis.call('HSET', wkey, 'url', wh, 'st', 'PENDING', 'next', now)
  redis.call('ZADD', P .. 'wdue', now, id)
end

local function end_final(id, key, status, now)
  redis.call('HSET', key, 'st', status, 'fa', now)
  redis.call('ZADD', P .. 'final', now, id)
  redis.call('ZADD', P .. 's:' .. status, now, id)
  store_webhook(id, redis.call('HGET', key, 'wh'), now)
end

-- Drops a running task's lease; the caller gives it its next state.
local function leave_running(id, key, tn)
  redis.call('ZREM', P .. 'leases', id)
  redis.call('HINCRBY', P .. 'running', tn, -1)
  redis.call('HDEL', key, 'le', 'wk', 'cx')
end

-- The per-tenant running limits at ARGV[i]: the default, a count n, then n pairs of tenant and limit.
local function limits_at(i)
  local t = {}
  local n = tonumber(ARGV[i + 1])
  for k = 0, n - 1 do
    t[ARGV[i + 2 + 2 * k]] = tonumber(ARGV[i + 3 + 2 * k])
  end
  return tonumber(ARGV[i]), t
end
