-- Appends one partition's interactions to its log effectively once.
-- KEYS[1] the partition's log stream; each entry's id is <kafka offset + 1>-0, so the newest id is the watermark
-- and a replayed offset (after a crash, a rebalance or a new consumer group) is skipped.
-- ARGV: maxLen, then id, value pairs in offset order. Returns the watermark before this call.
-- The watermark is the stream's last generated id, not its last entry: erasing a user deletes entries (XDEL), and
-- the tail entry gone must not let its offset be appended again.
local last = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = tonumber(string.match(info[i + 1], '^(%d+)')) end
  end
end
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
