-- Compare-and-set of one or more users' state blobs (one user per call on a Redis Cluster, a chunk of users per
-- call on a standalone Redis). A blob's first 4 bytes are a write counter: the write lands only if the stored
-- blob still carries the counter the writer read, so two instances working on the same partition during a
-- rebalance can never interleave half-applied batches. The blob holds the per-partition offset watermarks too,
-- so state and watermark change together. An erased user's tombstone (same hash tag) refuses the write, so a
-- late event never brings a forgotten user back.
-- KEYS per user: state key, erasure tombstone key; ARGV per user: expected 4-byte token ('' = key must be absent),
-- new blob, TTL ms. Returns per user 1 written, 0 lost the race, 2 dropped (user erased).
local out = {}
for k = 1, #KEYS / 2 do
  local key = KEYS[2 * k - 1]
  if redis.call('EXISTS', KEYS[2 * k]) == 1 then
    out[k] = 2
  else
    local expected = ARGV[3 * k - 2]
    local cur = redis.call('GET', key)
    local ok
    if expected == '' then ok = not cur else ok = cur and string.sub(cur, 1, 4) == expected end
    if ok then
      redis.call('SET', key, ARGV[3 * k - 1], 'PX', ARGV[3 * k])
      out[k] = 1
    else
      out[k] = 0
    end
  end
end
return out
