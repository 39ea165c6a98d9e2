-- Applies scored reviews of one item, effectively once per (topic:partition, offset).
-- KEYS[1] watermark hash (field per topic:partition), KEYS[2] sentiment hash, KEYS[3] negative-terms zset
-- (all three share the item's hash tag). ARGV: wmField, priorMean, priorWeight, maxTerms, entries JSON
-- [{o=offset, p=positive probability, l=label, f=1 if flagged (counted apart, not in the mean), t={{term, score}}}]
-- in offset order. Returns the number of entries applied (replays below the watermark are skipped).
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local priorMean = tonumber(ARGV[2])
local priorWeight = tonumber(ARGV[3])
local maxTerms = tonumber(ARGV[4])
local entries = cjson.decode(ARGV[5])
local applied = 0
local terms = false
for _, e in ipairs(entries) do
  local o = tonumber(e.o)
  if o > last then
    last = o
    applied = applied + 1
    if e.f == 1 then
      redis.call('HINCRBY', KEYS[2], 'flagged', 1)
    else
      redis.call('HINCRBY', KEYS[2], 'count', 1)
      redis.call('HINCRBYFLOAT', KEYS[2], 'sumPositive', e.p)
      redis.call('HINCRBY', KEYS[2], e.l, 1)
      if e.t then
        for _, tw in ipairs(e.t) do
          redis.call('ZINCRBY', KEYS[3], tw[2], tw[1])
          terms = true
        end
      end
    end
  end
end
if applied > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], last)
  local count = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
  local sum = tonumber(redis.call('HGET', KEYS[2], 'sumPositive') or '0')
  local mean = priorMean
  if priorWeight + count > 0 then mean = (priorMean * priorWeight + sum) / (priorWeight + count) end
  redis.call('HSET', KEYS[2], 'smoothedPositive', mean, 'priorMean', priorMean, 'priorWeight', priorWeight)
  if terms then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(maxTerms + 1)) end
end
return applied
