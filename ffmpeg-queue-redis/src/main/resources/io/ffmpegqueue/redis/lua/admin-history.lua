-- ARGV: 3 id. {the task's request JSON, its attempt series oldest first (admin-retry's JSON objects)...}, or an
-- empty list when there is no such task.
local req = redis.call('HGET', tkey(ARGV[3]), 'req')
if not req then return {} end
local out = {req}
for _, s in ipairs(redis.call('LRANGE', P .. 'h:' .. ARGV[3], 0, -1)) do out[#out + 1] = s end
return out
