-- Assigns a user to a campaign's treated (T) or holdout (H) group, counted once; every later decision of the
-- campaign for the user moves the start of the attribution window to now (the group never changes: it is a hash).
-- KEYS[1] members hash (user -> "group|latest decision ms"), KEYS[2] figures hash
-- ARGV[1] user, ARGV[2] group, ARGV[3] now ms
-- Returns 1 on the first assignment, 0 after
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'members:' .. ARGV[2], 1)
  return 1
end
local current = redis.call('HGET', KEYS[1], ARGV[1])
local group = string.match(current, '^(%a)|')
redis.call('HSET', KEYS[1], ARGV[1], (group or ARGV[2]) .. '|' .. ARGV[3])
return 0
