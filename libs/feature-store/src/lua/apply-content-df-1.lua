-- Document frequencies of hashed terms for new catalog items, once per (partition, offset).
-- KEYS[1] document-frequency hash (fields: bucket -> df, "N" -> documents, "wm:<partition>" -> offset)
-- ARGV: partition, then per item: offset, bucket count, buckets...
local field = 'wm:' .. ARGV[1]
local wm = tonumber(redis.call('HGET', KEYS[1], field) or '-1')
local last = wm
local i = 2
while i <= #ARGV do
  local offset = tonumber(ARGV[i])
  local count = tonumber(ARGV[i + 1])
  if offset > wm then
    redis.call('HINCRBY', KEYS[1], 'N', 1)
    for j = 1, count do redis.call('HINCRBY', KEYS[1], ARGV[i + 1 + j], 1) end
    if offset > last then last = offset end
  end
  i = i + 2 + count
end
if last > wm then redis.call('HSET', KEYS[1], field, last) end
return last
