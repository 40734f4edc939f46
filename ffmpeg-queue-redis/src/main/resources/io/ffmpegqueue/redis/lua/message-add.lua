-- ARGV: 3 task id, 4 delivery id, 5 target, 6 attempts JSON, 7 when it is due as a distance from now in
-- microseconds. Keeps a message delivery of the task (see RedisMessages.java) unless it has one of that id;
-- returns 0, storing nothing, when the task is not there, else 1.
local id, did = ARGV[3], ARGV[4]
if redis.call('EXISTS', tkey(id)) == 0 then return 0 end
local mkey = P .. 'm:' .. id .. '|' .. did
if redis.call('EXISTS', mkey) == 1 then return 1 end
local nxt = now_us() + tonumber(ARGV[7])
redis.call('HSET', mkey, 'url', ARGV[5], 'att', ARGV[6], 'next', nxt)
redis.call('ZADD', P .. 'mdue', nxt, id .. '|' .. did)
redis.call('SADD', P .. 'ms:' .. id, did)
return 1
