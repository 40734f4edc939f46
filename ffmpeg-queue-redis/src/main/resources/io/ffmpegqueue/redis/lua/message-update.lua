-- ARGV: 3 task id, 4 delivery id, 5 target, 6 attempts JSON, 7 when it is next due as a distance from now in
-- microseconds. Replaces a message delivery; returns 0, writing nothing, when it is gone, else 1.
local member = ARGV[3] .. '|' .. ARGV[4]
local mkey = P .. 'm:' .. member
if redis.call('EXISTS', mkey) == 0 then return 0 end
local nxt = now_us() + tonumber(ARGV[7])
redis.call('HSET', mkey, 'url', ARGV[5], 'att', ARGV[6], 'next', nxt)
redis.call('ZADD', P .. 'mdue', nxt, member)
return 1
