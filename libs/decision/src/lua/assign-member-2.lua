-- Records the first assignment of a user to a campaign's treated (T) or holdout (H) group, counted once.
-- KEYS[1] members hash (user -> "group|first ms"), KEYS[2] figures hash
-- ARGV[1] user, ARGV[2] group, ARGV[3] now ms
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'members:' .. ARGV[2], 1)
  return 1
end
return 0
