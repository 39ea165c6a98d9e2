-- Places users in, or takes them out of, nearest-user buckets: one bucket per call on a Redis Cluster, a chunk of
-- them per call on a standalone Redis (one call instead of one command per bucket is most of the index's cost).
-- KEYS: buckets (sorted sets: user -> ms placed). ARGV[1] now ms, ARGV[2] idle ms after which an entry is dropped
-- (the user state's own TTL), ARGV[3] most users kept per bucket (the most recently placed); then per key: the
-- user and '+' (place) or '-' (take out). A placed bucket is trimmed and expires with its last user's state, so a
-- bucket of a replaced layout disappears. Returns the number of keys handled.
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
for k = 1, #KEYS do
  local key, user, op = KEYS[k], ARGV[2 * k + 2], ARGV[2 * k + 3]
  if op == '-' then
    redis.call('ZREM', key, user)
  else
    redis.call('ZADD', key, now, user)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - idle))
    local n = redis.call('ZCARD', key)
    if n > max then redis.call('ZREMRANGEBYRANK', key, 0, n - max - 1) end
    redis.call('PEXPIRE', key, idle)
  end
end
return #KEYS
