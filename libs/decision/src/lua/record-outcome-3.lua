-- Counts one offer outcome once per (offer, outcome). Returns 2 for the first terminal outcome of the offer
-- (redeem, dismiss or expire: the one the bandit learns from), 1 for another new outcome, 0 for a repeat.
-- Per channel too, for the channel choice: the outcome counted under the offer's channel, and when the user saw,
-- clicked or redeemed it, the time in their membership of the campaign (left alone once the membership expired).
-- KEYS[1] the offer's outcome hash, KEYS[2] campaign figures hash, KEYS[3] the user's campaign membership
-- ARGV[1] outcome, ARGV[2] revenue, ARGV[3] discount cost, ARGV[4] TTL s, ARGV[5] the offer's channel ('' if none),
-- ARGV[6] now ms
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[2], 'outcome:' .. ARGV[1], 1)
if ARGV[5] ~= '' then
  redis.call('HINCRBY', KEYS[2], 'channel:' .. ARGV[5] .. ':' .. ARGV[1], 1)
  if (ARGV[1] == 'impression' or ARGV[1] == 'click' or ARGV[1] == 'redeem') and redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('HSET', KEYS[3], 'seen:' .. ARGV[5], ARGV[6])
  end
end
if ARGV[1] == 'redeem' then
  redis.call('HINCRBYFLOAT', KEYS[2], 'redeemRevenue', tonumber(ARGV[2]))
  redis.call('HINCRBYFLOAT', KEYS[2], 'redeemSpend', tonumber(ARGV[3]))
end
if ARGV[1] == 'redeem' or ARGV[1] == 'dismiss' or ARGV[1] == 'expire' then
  if redis.call('HSETNX', KEYS[1], 'terminal', ARGV[1]) == 1 then return 2 end
end
return 1
