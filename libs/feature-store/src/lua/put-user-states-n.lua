-- Compare-and-set of one or more users' state blobs (one key per call on a Redis Cluster, a chunk of users per
-- call on a standalone Redis). A blob's first 4 bytes are a write counter: the write lands only if the stored
-- blob still carries the counter the writer read, so two instances working on the same partition during a
-- rebalance can never interleave half-applied batches. The blob holds the per-partition offset watermarks too,
-- so state and watermark change together.
-- KEYS: user state keys; ARGV per key: expected 4-byte token ('' = key must be absent), new blob, TTL ms
-- Returns per key 1 written, 0 lost the race.
local out = {}
for k = 1, #KEYS do
  local expected = ARGV[3 * k - 2]
  local cur = redis.call('GET', KEYS[k])
  local ok
  if expected == '' then ok = not cur else ok = cur and string.sub(cur, 1, 4) == expected end
  if ok then
    redis.call('SET', KEYS[k], ARGV[3 * k - 1], 'PX', ARGV[3 * k])
    out[k] = 1
  else
    out[k] = 0
  end
end
return out
