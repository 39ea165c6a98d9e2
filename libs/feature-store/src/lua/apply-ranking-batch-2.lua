-- Aggregated increments of a global ranking (popularity or trending) from one partition batch, applied at most
-- once: the partition's watermark lives in a hash in the ranking's own slot (works on Redis Cluster too) and holds
-- the last offset of the batch applied. A watermark inside the batch means an earlier attempt with other batch
-- bounds got there first; the caller re-sends only the events above it.
-- KEYS[1] ranking sorted set, KEYS[2] watermark hash; ARGV: partition, first offset, last offset, (item, increment)*
-- Returns -1 applied, -2 already applied, or the watermark when it falls inside [first, last).
local wm = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
if wm >= tonumber(ARGV[3]) then return -2 end
if wm >= tonumber(ARGV[2]) then return wm end
for i = 4, #ARGV, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return -1
