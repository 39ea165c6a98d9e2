-- Appends one partition's interactions to its log effectively once.
-- KEYS[1] the partition's log stream; each entry's id is <kafka offset + 1>-0, so the newest id is the watermark
-- and a replayed offset (after a crash, a rebalance or a new consumer group) is skipped.
-- ARGV: maxLen, then id, value pairs in offset order. Returns the watermark before this call.
local last = 0
local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #tail > 0 then last = tonumber(string.match(tail[1][1], '^(%d+)')) end
local before = last
local maxLen = ARGV[1]
for i = 2, #ARGV, 2 do
  local id = tonumber(ARGV[i])
  if id > last then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxLen, ARGV[i] .. '-0', 'e', ARGV[i + 1])
    last = id
  end
end
return before
