-- Places a user in one nearest-user bucket and keeps the bucket bounded, in one step (one key).
-- KEYS[1] bucket (sorted set: user -> ms placed); ARGV[1] user, ARGV[2] now ms, ARGV[3] idle ms after which an entry
-- is dropped (the user state's own TTL), ARGV[4] most users kept (the most recently placed).
-- Returns the bucket's size after trimming.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3])))
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[4])
if n > max then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1)
  n = max
end
-- A bucket nobody is placed in any more (a layout that was replaced) disappears with its last user's state.
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n
