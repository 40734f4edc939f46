-- ARGV: 3 the error JSON of an expired lease, 4 that of a task whose cancel was requested, 5 most tasks.
-- Returns the hashes of the tasks whose lease had expired, after the change.
local now = now_us()
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))) do
  local key = tkey(id)
  local st, at, ma, tn, cx = unpack(redis.call('HMGET', key, 'st', 'at', 'ma', 'tn', 'cx'))
  redis.call('ZREM', P .. 'leases', id)
  if st == 'RUNNING' then
    leave_running(id, key, tn)
    if cx == '1' then
      redis.call('HSET', key, 'err', ARGV[4])
      end_final(id, key, 'CANCELLED', now)
      event('CANCELLED', id)
      settle(id, now)
    elseif tonumber(at) >= tonumber(ma) then
      redis.call('HSET', key, 'err', ARGV[3])
      end_final(id, key, 'FAILED', now)
      event('FAILED', id)
      settle(id, now)
    else
      redis.call('HSET', key, 'err', ARGV[3])
      back_to_pending(id, key, 0, now)
      event('RETRY_SCHEDULED', id)
    end
    forget_if_idle(tn)
    out[#out + 1] = redis.call('HGETALL', key)
  end
end
return out
