-- Task graphs (TaskGraphs in the SPI), for the scripts that store, end, find or list tasks. A task's hash has 'wt'
-- while it waits and 'hd', the number of its children that have not ended (prune keeps it while that is above 0).
-- Keys:
-- P ps:<id>, string: the task's parents (its dependsOn: ids separated by spaces, in order), when it has any;
-- P ch:<id>, sorted set: the stored tasks that name id, scored by submission number;
-- P wf:<id>, set: the parents a waiting task still waits for (gone once it is ready or has ended);
-- P waiting, sorted set: the waiting tasks by ready-set member, as P pending holds the other PENDING ones.
-- Everything that follows from a task's end happens in the script that ends it (settle), so two workers that
-- finish the last two parents at once run one after the other: exactly one of them readies the child.

local function parents_of(ps)
  local t = {}
  if ps then
    for p in string.gmatch(ps, '%S+') do t[#t + 1] = p end
  end
  return t
end

-- An event of the tasks ids (a list) that every process's listeners hear, the calling one's too (changes it did not
-- ask for): one message for them all, 'E|*|kind|id id ...', so that a root that readies 10,000 children publishes once.
local function event_all(kind, ids)
  if #ids > 0 then redis.call('PUBLISH', P .. 'ev', 'E|*|' .. kind .. '|' .. table.concat(ids, ' ')) end
end

-- The error of a child that parent pid (FAILED or CANCELLED, its error JSON perr) takes down with it, as
-- TaskError.dependency makes it: "task P failed: <its error message>", at most 1,000 characters.
local function dependency_error(pid, pst, perr)
  local msg = 'task ' .. pid .. (pst == 'FAILED' and ' failed' or ' was cancelled')
  local ok, e = pcall(cjson.decode, perr or '')
  if ok and type(e) == 'table' and type(e.message) == 'string' then msg = msg .. ': ' .. e.message end
  if #msg > 1000 then
    local cut = 997
    -- Not inside a UTF-8 sequence: back to the start of the character at the cut.
    while cut > 0 and string.byte(msg, cut + 1) >= 128 and string.byte(msg, cut + 1) < 192 do cut = cut - 1 end
    msg = string.sub(msg, 1, cut) .. '...'
  end
  return cjson.encode({kind = 'dependency', message = msg})
end

-- A waiting task whose last parent completed now: ready, due now, and its tenant in turn.
local function wake(key, now)
  local rk, tn = unpack(redis.call('HMGET', key, 'rk', 'tn'))
  redis.call('HDEL', key, 'wt')
  redis.call('HSET', key, 'run', now)
  redis.call('ZREM', P .. 'waiting', rk)
  redis.call('ZADD', P .. 'pending', 0, rk)
  add_ready(rk, tn)
end

-- Task id has just ended (its status set by the caller, in the same script): it lets go of its parents, and its
-- children that still waited for it are readied (it COMPLETED and was their last) or end CANCELLED with
-- DEPENDENCY (it FAILED or was CANCELLED), and theirs in turn, down the graph; a child that awaits it ('aw', see
-- await.lua) is readied at its failure instead. One step per edge touched.
local function settle(id, now)
  local todo = {id}
  local readied = {}
  local i = 1
  while i <= #todo do
    local pid = todo[i]
    i = i + 1
    local pkey = tkey(pid)
    local pst, perr, rk = unpack(redis.call('HMGET', pkey, 'st', 'err', 'rk'))
    for _, p in ipairs(parents_of(redis.call('GET', P .. 'ps:' .. pid))) do
      if redis.call('EXISTS', tkey(p)) == 1 then redis.call('HINCRBY', tkey(p), 'hd', -1) end
    end
    if redis.call('HDEL', pkey, 'wt') == 1 then -- it ended while it waited (cancelled, or taken down)
      redis.call('DEL', P .. 'wf:' .. pid)
      redis.call('ZREM', P .. 'waiting', rk)
    end
    local err
    for _, c in ipairs(redis.call('ZRANGE', P .. 'ch:' .. pid, 0, -1)) do
      -- Only a waiting child has its wf set, and holds pid in it until pid ends: at most one end acts on it.
      if redis.call('SREM', P .. 'wf:' .. c, pid) == 1 then
        local ckey = tkey(c)
        if pst == 'COMPLETED' then
          if redis.call('EXISTS', P .. 'wf:' .. c) == 0 then
            wake(ckey, now)
            readied[#readied + 1] = c
          end
        elseif redis.call('HEXISTS', ckey, 'aw') == 1 then
          -- It handed its work to pid (await.lua): it runs again, now, and decides what pid's end means.
          redis.call('DEL', P .. 'wf:' .. c)
          wake(ckey, now)
          readied[#readied + 1] = c
        else
          err = err or dependency_error(pid, pst, perr)
          redis.call('HSET', ckey, 'err', err)
          end_final(c, ckey, 'CANCELLED', now)
          todo[#todo + 1] = c
        end
      end
    end
  end
  event_all('READY', readied) -- also wakes the idle claimers, as every message on the channel does
  table.remove(todo, 1)
  event_all('CANCELLED', todo) -- the cascade's: every task settled after the first
end

-- A task's hash as HGETALL gives it, with 'wf', the parents it still waits for (separated by spaces), when it waits.
local function snapshot(id)
  local h = redis.call('HGETALL', tkey(id))
  local w = redis.call('SMEMBERS', P .. 'wf:' .. id)
  if #w > 0 then
    h[#h + 1] = 'wf'
    h[#h + 1] = table.concat(w, ' ')
  end
  return h
end
