-- Outcome.Await (TaskContinuations): running task id ends its attempt waiting for tasks, in one step with the lease
-- check. ARGV: 3 id, 4 the lease's fencing token (Lease.fence()), 5 the awaited ids not among its parents yet (separated by spaces), 6 its request
-- JSON with them added to its depends_on, 7 the error JSON of a task cancelled while it ran, 8 that of a task
-- cancelled before it started.
-- The new parents are added as an enqueue adds a task's parents, and its attempt is given back (not counted). Then:
-- - a cancel was asked for while it ran: it ends CANCELLED, and the awaited tasks with it (they were its work);
-- - else it waits for those of its parents not COMPLETED ('aw' marks that it awaits: graph-lib's settle readies it,
--   rather than cancelling it, when one of them fails, so that its next run decides), or is ready at once when none
--   is left to wait for or one has already FAILED or been CANCELLED.
-- Returns {1, its hash with 'wf'}, {-2, id} when an awaited task is not stored or is the task itself (nothing
-- changed), or an empty list when the lease was no longer current (the fencing check; nothing changed).
local id = ARGV[3]
local key = tkey(id)
local st, at, ab, tn, cx, rk = unpack(redis.call('HMGET', key, 'st', 'at', 'ab', 'tn', 'cx', 'rk'))
if st ~= 'RUNNING' or fence(ab, at) ~= ARGV[4] then return {} end
local more = parents_of(ARGV[5])
for _, p in ipairs(more) do
  if p == id or redis.call('EXISTS', tkey(p)) == 0 then return {-2, p} end
end
local now = now_us()
leave_running(id, key, tn)
redis.call('HINCRBY', key, 'at', -1)
redis.call('HDEL', key, 'pg')
local before = redis.call('GET', P .. 'ps:' .. id)
local all = ARGV[5]
if before and before ~= '' then all = before .. (all == '' and '' or ' ' .. all) end
if all ~= '' then redis.call('SET', P .. 'ps:' .. id, all) end
local seq = tonumber(string.sub(rk, 9, 20), 16) -- its submission number, as enqueue.lua scores its edges
for _, p in ipairs(more) do
  redis.call('ZADD', P .. 'ch:' .. p, seq, id)
  redis.call('HINCRBY', tkey(p), 'hd', 1) -- kept while this task has not ended (prune.lua)
end
redis.call('HSET', key, 'req', ARGV[6], 'st', 'PENDING', 'aw', 1, 'run', now)
if cx == '1' then
  redis.call('HSET', key, 'err', ARGV[7])
  end_final(id, key, 'CANCELLED', now)
  event_all('CANCELLED', {id}) -- no worker tells of it: every process's listeners hear it, the caller's too
  settle(id, now)
  for _, p in ipairs(more) do cancel_task(p, ARGV[8], now, '*') end
else
  local waits, dead = {}, false
  for _, p in ipairs(parents_of(all)) do
    local pst = redis.call('HGET', tkey(p), 'st')
    if pst ~= 'COMPLETED' then waits[#waits + 1] = p end
    if pst == 'FAILED' or pst == 'CANCELLED' then dead = true end
  end
  if #waits == 0 or dead then
    redis.call('ZADD', P .. 'pending', 0, rk)
    add_ready(rk, tn)
    ready_notice()
  else
    for i = 1, #waits, 1000 do
      redis.call('SADD', P .. 'wf:' .. id, unpack(waits, i, math.min(i + 999, #waits)))
    end
    redis.call('HSET', key, 'wt', 1)
    redis.call('ZADD', P .. 'waiting', 0, rk)
  end
end
forget_if_idle(tn)
return {1, snapshot(id)}
