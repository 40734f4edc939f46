-- ARGV: 3 id. Puts a FAILED or CANCELLED task back to PENDING, due now, as a new series of attempts: the series
-- that ended goes to the end of its history ('h:<id>', a list of JSON objects: st, at, err, sa, fa), its attempt
-- count starts from 0 (its attempts are added to 'ab', so that the new series' fencing tokens are above the old
-- ones'), its error, outputs, progress and webhook delivery are cleared. Its parents that are still stored keep it
-- again while it has not ended ('hd', graph-lib; it ended with no waiting child, so it waits for
-- nothing and readies none). Returns {changed, hash}, or an empty list when there is no such task.
local id = ARGV[3]
local key = tkey(id)
local st, at, err, sa, fa = unpack(redis.call('HMGET', key, 'st', 'at', 'err', 'sa', 'fa'))
if not st then return {} end
if st ~= 'FAILED' and st ~= 'CANCELLED' then return {0, snapshot(id)} end
redis.call('RPUSH', P .. 'h:' .. id, cjson.encode({st = st, at = at, err = err or '', sa = sa or '', fa = fa or ''}))
redis.call('ZREM', P .. 'final', id)
redis.call('ZREM', P .. 's:' .. st, id)
redis.call('DEL', P .. 'w:' .. id)
redis.call('ZREM', P .. 'wdue', id)
redis.call('HDEL', key, 'err', 'out', 'sa', 'fa')
redis.call('HSET', key, 'at', 0, 'pg', '', 'ab', tonumber(fence(redis.call('HGET', key, 'ab'), at)))
for _, p in ipairs(parents_of(redis.call('GET', P .. 'ps:' .. id))) do
  if redis.call('EXISTS', tkey(p)) == 1 then redis.call('HINCRBY', tkey(p), 'hd', 1) end
end
back_to_pending(id, key, 0, now_us())
return {1, snapshot(id)}
