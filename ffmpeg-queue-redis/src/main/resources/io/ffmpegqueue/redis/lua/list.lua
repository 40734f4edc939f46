-- ARGV: 3 status or '' (all), 4 offset, 5 limit, 6 '1' only waiting tasks, '0' none of them, '' both. A page of
-- task hashes: RUNNING ones (by lease expiry), then ready PENDING ones in run order, then waiting ones in
-- submission order, then final ones newest first.
local st, skip, left, waiting = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local out = {}
local function take(key, newest_first, id_at)
  if left <= 0 then return end
  local n = redis.call('ZCARD', key)
  if skip >= n then
    skip = skip - n
    return
  end
  local members = redis.call(newest_first and 'ZREVRANGE' or 'ZRANGE', key, skip, skip + left - 1)
  skip = 0
  for _, m in ipairs(members) do
    out[#out + 1] = snapshot(string.sub(m, id_at))
    left = left - 1
  end
end
if waiting ~= '1' then
  if st == '' or st == 'RUNNING' then take(P .. 'leases', false, 1) end
  if st == '' or st == 'PENDING' then take(P .. 'pending', false, 21) end
end
if waiting ~= '0' and (st == '' or st == 'PENDING') then take(P .. 'waiting', false, 21) end
if waiting ~= '1' then
  if st == '' then
    take(P .. 'final', true, 1)
  elseif st ~= 'RUNNING' and st ~= 'PENDING' then
    take(P .. 's:' .. st, true, 1)
  end
end
return out
