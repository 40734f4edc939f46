-- finish.lua then claim.lua in one call. ARGV: 3-7 as finish.lua, 8 worker, 9 most tasks, 10 lease in
-- milliseconds, 11.. the tenant limits. Returns {finish.lua's answer, claim's answer...}.
local now = now_us()
local ended = finish(ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), now) or {}
local deflimit, limits = limits_at(11)
local out = claim(ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10]) * 1000, deflimit, limits, now)
table.insert(out, 1, ended)
return out
