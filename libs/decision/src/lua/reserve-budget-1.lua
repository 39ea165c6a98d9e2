-- Reserves one offer's worst-case cost against a campaign budget, or refuses; the check and the increment
-- are one atomic step, so concurrent deciders on any number of instances can never overspend.
-- KEYS[1] budget hash (spentCents, count)
-- ARGV[1] cost in cents, ARGV[2] spend limit in cents, ARGV[3] count limit
-- Returns 1 reserved, 0 spend exhausted, -1 count exhausted
local cost = tonumber(ARGV[1])
local spent = tonumber(redis.call('HGET', KEYS[1], 'spentCents') or '0')
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if count + 1 > tonumber(ARGV[3]) then return -1 end
if spent + cost > tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'spentCents', cost)
redis.call('HINCRBY', KEYS[1], 'count', 1)
return 1
