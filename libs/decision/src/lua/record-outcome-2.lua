-- Counts one offer outcome once per (offer, outcome). Returns 2 for the first terminal outcome of the offer
-- (redeem, dismiss or expire: the one the bandit learns from), 1 for another new outcome, 0 for a repeat.
-- KEYS[1] the offer's outcome hash, KEYS[2] campaign figures hash
-- ARGV[1] outcome, ARGV[2] revenue, ARGV[3] discount cost, ARGV[4] TTL s
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[2], 'outcome:' .. ARGV[1], 1)
if ARGV[1] == 'redeem' then
  redis.call('HINCRBYFLOAT', KEYS[2], 'redeemRevenue', tonumber(ARGV[2]))
  redis.call('HINCRBYFLOAT', KEYS[2], 'redeemSpend', tonumber(ARGV[3]))
end
if ARGV[1] == 'redeem' or ARGV[1] == 'dismiss' or ARGV[1] == 'expire' then
  if redis.call('HSETNX', KEYS[1], 'terminal', ARGV[1]) == 1 then return 2 end
end
return 1
