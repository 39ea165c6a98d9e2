-- Co-occurrence increments of one item from one partition's batch, each group applied once: groups at or
-- below the item's watermark for that partition were applied before (a replay) and are skipped.
-- KEYS[1] co-occurrence sorted set, KEYS[2] watermark hash (field <partition>, field "n" = own decayed mass)
-- (Lua numbers given to redis.call are truncated to integers, hence the string.format of float sums.)
-- ARGV: partition, cap, then per group: offset, n increment, pair count, (partner, increment) * pair count
local wm = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
local cap = tonumber(ARGV[2])
local last = wm
local i = 3
local applied = 0
local n = 0
local sums = {}
local order = {}
while i <= #ARGV do
  local offset = tonumber(ARGV[i])
  local dn = tonumber(ARGV[i + 1])
  local np = tonumber(ARGV[i + 2])
  if offset > wm then
    n = n + dn
    -- Summed per partner first: one ZINCRBY per distinct partner instead of one per pair.
    for j = 0, np - 1 do
      local partner = ARGV[i + 3 + 2 * j]
      if sums[partner] == nil then
        sums[partner] = 0
        order[#order + 1] = partner
      end
      sums[partner] = sums[partner] + tonumber(ARGV[i + 4 + 2 * j])
    end
    if offset > last then last = offset end
    applied = applied + 1
  end
  i = i + 3 + 2 * np
end
for _, partner in ipairs(order) do
  redis.call('ZINCRBY', KEYS[1], string.format('%.17g', sums[partner]), partner)
end
if applied > 0 then
  if n ~= 0 then redis.call('HINCRBYFLOAT', KEYS[2], 'n', string.format('%.17g', n)) end
  redis.call('HSET', KEYS[2], ARGV[1], last)
  local size = redis.call('ZCARD', KEYS[1])
  if size > cap then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - cap - 1) end
end
return applied
