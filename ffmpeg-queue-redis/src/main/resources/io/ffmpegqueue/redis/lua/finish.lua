-- ARGV: 3 id, 4 attempt, 5 kind, 6 payload, 7 delay in microseconds. Returns what the server set (run-at,
-- finished-at, progress), or an empty list when the lease was no longer current.
local now = now_us()
return finish(ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), now) or {}
