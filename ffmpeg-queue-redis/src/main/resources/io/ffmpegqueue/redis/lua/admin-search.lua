-- ARGV: 3 the 'created' index's upper bound (exclusive, '(' member, or '+'), 4 its lower bound ('[' member or '-'),
-- 5 status or '' (any), 6 tenant or '' (any), 7 most tasks to look at, 8 most tasks to return, 9 text the request
-- JSON must hold or '' (the metadata filter's "key":"value"), 10 text its lowercased JSON must hold or '' (the
-- command filter's). Returns {where the caller goes on ('' when nothing is left to look at), the snapshots of the
-- matching tasks, newest first...}; 9 and 10 let through a superset of the caller's filters, which it applies.
-- A status with no more tasks than 7 is read from its own set(s) and sorted; else the index is walked newest
-- first from the upper bound, 7 members at most.
local up, low, st, tn, budget, want = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local has, lower_has = ARGV[9], ARGV[10]
local function passes(s, t, req)
  return s and (st == '' or s == st) and (tn == '' or t == tn)
    and (has == '' or string.find(req, has, 1, true) ~= nil)
    and (lower_has == '' or string.find(string.lower(req), lower_has, 1, true) ~= nil)
end
local function fields(id)
  return unpack(redis.call('HMGET', tkey(id), 'st', 'tn', 'req', 'ck'))
end
local sets = {PENDING = {'pending', 'waiting'}, RUNNING = {'leases'}, COMPLETED = {'s:COMPLETED'},
  FAILED = {'s:FAILED'}, CANCELLED = {'s:CANCELLED'}}
if st ~= '' then
  local size = 0
  for _, k in ipairs(sets[st]) do size = size + redis.call('ZCARD', P .. k) end
  if size <= budget then
    local upper, lower = string.sub(up, 2), string.sub(low, 2)
    local found = {}
    for _, k in ipairs(sets[st]) do
      for _, m in ipairs(redis.call('ZRANGE', P .. k, 0, -1)) do
        local id = m
        if k == 'pending' or k == 'waiting' then id = string.sub(m, 21) end -- ready-set members end with the id
        local s, t, req, ck = fields(id)
        if ck and passes(s, t, req) and (up == '+' or ck < upper) and (low == '-' or ck >= lower) then
          found[#found + 1] = ck
        end
      end
    end
    table.sort(found, function(a, b) return a > b end)
    local out = {''}
    for i = 1, math.min(#found, want) do out[#out + 1] = snapshot(string.sub(found[i], 17)) end
    if #found > want then out[1] = found[want] end
    return out
  end
end
local members = redis.call('ZREVRANGEBYLEX', P .. 'created', up, low, 'LIMIT', 0, budget)
local out = {''}
for i, m in ipairs(members) do
  local id = string.sub(m, 17)
  local s, t, req = fields(id)
  if passes(s, t, req) then
    out[#out + 1] = snapshot(id)
  end
  if #out > want or (i == #members and #members == budget) then
    out[1] = m -- the walk goes on below it
    break
  end
end
return out
