-- Finishes a claimed cart, unless the user changed it since the claim (then its new deadline stands).
-- KEYS[1] pending zset, KEYS[2] cart contents hash
-- ARGV[1] user, ARGV[2] lease score given by the claim
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
