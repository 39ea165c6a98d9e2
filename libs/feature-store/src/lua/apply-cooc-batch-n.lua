-- Aggregated co-occurrence increments of one partition batch for one or more items. Each item's two keys share
-- its hash tag; several items per call happen only on a standalone Redis (one item per call on a Cluster).
-- Each item is guarded by its own per-partition watermark, which after an apply holds the batch's last offset:
-- every event of that partition up to it is counted for the item. A watermark inside the batch means an earlier
-- attempt with other batch bounds got there first; the caller re-sends only the events above it.
-- KEYS: (co-occurrence sorted set, watermark hash with field "n" = own decayed mass) per item
-- ARGV: partition, first offset, last offset, cap, then per item: n increment, partner count, (partner, increment) * count
-- Returns per item: -1 applied, -2 already applied, or the watermark when it falls inside [first, last).
local p = ARGV[1]
local first = tonumber(ARGV[2])
local last = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
local out = {}
local a = 5
for k = 1, #KEYS, 2 do
  local zkey = KEYS[k]
  local wkey = KEYS[k + 1]
  local n = ARGV[a]
  local np = tonumber(ARGV[a + 1])
  local wm = tonumber(redis.call('HGET', wkey, p) or '-1')
  if wm >= last then
    out[#out + 1] = -2
  elseif wm >= first then
    out[#out + 1] = wm
  else
    for j = a + 2, a + 2 * np, 2 do
      redis.call('ZINCRBY', zkey, ARGV[j + 1], ARGV[j])
    end
    if tonumber(n) ~= 0 then redis.call('HINCRBYFLOAT', wkey, 'n', n) end
    redis.call('HSET', wkey, p, ARGV[3])
    if np > 0 then
      local size = redis.call('ZCARD', zkey)
      if size > cap then redis.call('ZREMRANGEBYRANK', zkey, 0, size - cap - 1) end
    end
    out[#out + 1] = -1
  end
  a = a + 2 + 2 * np
end
return out
