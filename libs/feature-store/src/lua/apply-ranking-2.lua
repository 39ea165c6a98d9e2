-- Increments of a global ranking (popularity or trending) from one partition's batch, once per offset: the
-- partition's watermark lives in a hash in the ranking's own slot, so this works on Redis Cluster too.
-- KEYS[1] ranking sorted set, KEYS[2] watermark hash; ARGV: partition, then (offset, item, increment) triples
local wm = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
local last = wm
local sums = {}
local order = {}
for i = 2, #ARGV, 3 do
  local offset = tonumber(ARGV[i])
  if offset > wm then
    local item = ARGV[i + 1]
    if sums[item] == nil then
      sums[item] = 0
      order[#order + 1] = item
    end
    sums[item] = sums[item] + tonumber(ARGV[i + 2])
    if offset > last then last = offset end
  end
end
for _, item in ipairs(order) do
  redis.call('ZINCRBY', KEYS[1], string.format('%.17g', sums[item]), item)
end
if last > wm then redis.call('HSET', KEYS[2], ARGV[1], last) end
return #order
