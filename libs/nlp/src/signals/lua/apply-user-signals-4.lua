-- Applies one user's search intents and review sentiments, effectively once per (topic:partition, offset).
-- KEYS[1] watermark hash (field per topic:partition, plus intentAt = time the intent scores are held at and
-- intentHalfLifeMs = the half-life they decay with, which NlpSignalReader applies from intentAt to the read time),
-- KEYS[2] intent zset (category -> decayed score), KEYS[3] review-sentiment list (newest first), KEYS[4] the user's
-- erasure tombstone (a late event of an erased user is dropped: returns 0); one hash tag.
-- ARGV: wmField, halfLifeMs, maxIntents, maxReviews, entries JSON, TTL ms of the user's keys (renewed on each write,
-- so an idle user's signals expire like the profile does)
-- [{o=offset, t=event time ms, c={{category, probability}}, r=review record JSON}] in offset order.
-- Decay follows sentiment-aggregate.ts addDecayed: held scores move forward to a newer event's time; an older
-- event's contribution is decayed back to the held time instead.
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local halfLife = tonumber(ARGV[2])
local maxIntents = tonumber(ARGV[3])
local maxReviews = tonumber(ARGV[4])
local entries = cjson.decode(ARGV[5])
local at = tonumber(redis.call('HGET', KEYS[1], 'intentAt') or '0')
local applied = 0
local intents = false
local reviews = false
for _, e in ipairs(entries) do
  local o = tonumber(e.o)
  if o > last then
    last = o
    applied = applied + 1
    if e.c and #e.c > 0 then
      local t = tonumber(e.t)
      local weight = 1
      if t > at then
        if at > 0 then
          local f = 0.5 ^ ((t - at) / halfLife)
          local held = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
          for i = 1, #held, 2 do redis.call('ZADD', KEYS[2], tonumber(held[i + 1]) * f, held[i]) end
        end
        at = t
      else
        weight = 0.5 ^ ((at - t) / halfLife)
      end
      for _, cp in ipairs(e.c) do redis.call('ZINCRBY', KEYS[2], cp[2] * weight, cp[1]) end
      intents = true
    end
    if e.r then
      redis.call('LPUSH', KEYS[3], e.r)
      reviews = true
    end
  end
end
if applied > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], last)
  if intents then
    redis.call('HSET', KEYS[1], 'intentAt', at, 'intentHalfLifeMs', halfLife)
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(maxIntents + 1))
  end
  if reviews then redis.call('LTRIM', KEYS[3], 0, maxReviews - 1) end
  for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ARGV[6]) end
end
return applied
