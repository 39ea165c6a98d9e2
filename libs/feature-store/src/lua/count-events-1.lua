-- Counts events by type for one partition, skipping offsets at or below the partition's watermark, so that a
-- batch replayed after a crash or a rebalance is never counted twice.
-- KEYS[1] partition counter hash (field "wm" holds the last applied offset)
-- ARGV: offset1, type1, offset2, type2, ... in offset order
local wm = tonumber(redis.call('HGET', KEYS[1], 'wm') or '-1')
local applied = 0
local last = wm
for i = 1, #ARGV, 2 do
  local offset = tonumber(ARGV[i])
  if offset > last then
    redis.call('HINCRBY', KEYS[1], ARGV[i + 1], 1)
    last = offset
    applied = applied + 1
  end
end
if last > wm then redis.call('HSET', KEYS[1], 'wm', last) end
return applied
