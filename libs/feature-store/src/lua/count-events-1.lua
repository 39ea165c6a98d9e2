-- Counts events by type for one partition, skipping offsets at or below the partition's watermark, so that a
-- batch replayed after a crash or a rebalance is never counted twice. Counts are summed per type first: one
-- HINCRBY per type rather than per event.
-- KEYS[1] partition counter hash (field "wm" holds the last applied offset)
-- ARGV: offset1, type1, offset2, type2, ... in offset order
local wm = tonumber(redis.call('HGET', KEYS[1], 'wm') or '-1')
local applied = 0
local last = wm
local counts = {}
local order = {}
for i = 1, #ARGV, 2 do
  local offset = tonumber(ARGV[i])
  if offset > last then
    local t = ARGV[i + 1]
    if counts[t] == nil then
      counts[t] = 0
      order[#order + 1] = t
    end
    counts[t] = counts[t] + 1
    last = offset
    applied = applied + 1
  end
end
for _, t in ipairs(order) do redis.call('HINCRBY', KEYS[1], t, counts[t]) end
if last > wm then redis.call('HSET', KEYS[1], 'wm', last) end
return applied
