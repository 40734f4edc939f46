-- ARGV: 3 the 'created' index's upper bound (exclusive, '(' member, or '+'), 4 its lower bound ('[' member or '-'),
-- 5 status or '' (any), 6 tenant or '' (any), 7 most index members to look at, 8 most tasks to return.
-- Walks the index newest first from the upper bound; returns {the last member looked at ('' when the index ended
-- before the budget), the snapshots of the tasks of the status and tenant...}. The caller applies the other filters.
local st, tn, budget, want = ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local members = redis.call('ZREVRANGEBYLEX', P .. 'created', ARGV[3], ARGV[4], 'LIMIT', 0, budget)
local out = {''}
for i, m in ipairs(members) do
  local id = string.sub(m, 17)
  local s, t = unpack(redis.call('HMGET', tkey(id), 'st', 'tn'))
  if s and (st == '' or s == st) and (tn == '' or t == tn) then
    out[#out + 1] = snapshot(id)
  end
  if #out > want or (i == #members and #members == budget) then
    out[1] = m -- the walk goes on below it
    break
  end
end
return out
