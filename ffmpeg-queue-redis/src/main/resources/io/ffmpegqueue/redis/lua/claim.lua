-- ARGV: 3 worker, 4 most tasks, 5 lease in milliseconds, 6.. the tenant limits (see limits_at).
local deflimit, limits = limits_at(6)
return claim(ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]) * 1000, deflimit, limits, now_us())
