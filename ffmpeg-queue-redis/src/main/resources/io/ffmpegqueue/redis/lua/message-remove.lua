-- ARGV: 3 task id, 4 delivery id. Removes a message delivery once sent; returns 1 when there was one.
local id, did = ARGV[3], ARGV[4]
local member = id .. '|' .. did
redis.call('ZREM', P .. 'mdue', member)
redis.call('SREM', P .. 'ms:' .. id, did)
return redis.call('DEL', P .. 'm:' .. member)
