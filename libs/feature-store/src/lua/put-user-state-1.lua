-- Compare-and-set of one user's state blob. Its first 4 bytes are a write counter: the write lands only if
-- the stored blob still carries the counter the writer read, so two instances working on the same partition
-- during a rebalance can never interleave half-applied batches. The blob holds the per-partition offset
-- watermarks too, so state and watermark change together.
-- KEYS[1] user state; ARGV[1] expected 4-byte token ('' = key must be absent), ARGV[2] new blob, ARGV[3] TTL ms
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if cur then return 0 end
elseif (not cur) or string.sub(cur, 1, 4) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
