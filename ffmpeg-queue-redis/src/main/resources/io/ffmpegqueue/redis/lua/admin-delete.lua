-- ARGV: 3 id. Removes a final task (remove-lib), unless a child of it has not ended yet ('hd' above 0, graph-lib):
-- that child may still read its outputs. Returns {removed, hash as it was}, or an empty list when there is no such
-- task.
local id = ARGV[3]
local key = tkey(id)
local st, hd = unpack(redis.call('HMGET', key, 'st', 'hd'))
if not st then return {} end
local h = snapshot(id)
if (st ~= 'COMPLETED' and st ~= 'FAILED' and st ~= 'CANCELLED') or tonumber(hd or '0') > 0 then return {0, h} end
remove_task(id)
return {1, h}
