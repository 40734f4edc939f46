-- The number of tasks of each status: PENDING (waiting ones too), RUNNING, COMPLETED, FAILED, CANCELLED (the
-- sizes of their sets).
return {redis.call('ZCARD', P .. 'pending') + redis.call('ZCARD', P .. 'waiting'), redis.call('ZCARD', P .. 'leases'),
  redis.call('ZCARD', P .. 's:COMPLETED'), redis.call('ZCARD', P .. 's:FAILED'), redis.call('ZCARD', P .. 's:CANCELLED')}
