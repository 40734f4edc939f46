-- ARGV: 3 id, 4 fencing token, 5 lease in milliseconds, 6 progress or '', 7 progress detail or '' (published as
-- P|origin|detail|id for the listeners of other processes). Returns 0 when the lease is lost, 1 when
-- extended, 2 when extended and a cancel was requested.
local id = ARGV[3]
local key = tkey(id)
local st, at, cx, ab = unpack(redis.call('HMGET', key, 'st', 'at', 'cx', 'ab'))
if st ~= 'RUNNING' or fence(ab, at) ~= ARGV[4] then return 0 end
local exp = now_us() + tonumber(ARGV[5]) * 1000
redis.call('HSET', key, 'le', exp)
redis.call('ZADD', P .. 'leases', exp, id)
if ARGV[6] ~= '' then redis.call('HSET', key, 'pg', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('PUBLISH', P .. 'ev', 'P|' .. ORIGIN .. '|' .. ARGV[7] .. '|' .. id) end
if cx == '1' then return 2 end
return 1
