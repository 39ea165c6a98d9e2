-- Reserves one offer's worst-case cost against a campaign budget, or refuses; the check and the increment
-- are one atomic step, so concurrent deciders on any number of instances can never overspend. The offer's
-- reservation is remembered (state R = reserved, with its cents) and scheduled for release when its
-- redemption window has passed, so an offer that ends unused gives its spend and count back exactly once.
-- The count limit caps offers MADE (field `made`, never given back); `count` is what is held now and goes back with
-- the spend when an offer ends unused, so a campaign cannot exceed its count by recycling dismissed offers.
-- KEYS[1] budget hash (spentCents, count, made, ...), KEYS[2] per-offer reservations hash, KEYS[3] release schedule zset
-- ARGV[1] cost in cents, ARGV[2] spend limit in cents, ARGV[3] count limit, ARGV[4] offer id, ARGV[5] release at ms
-- Returns 1 reserved, 0 spend exhausted, -1 count exhausted, -2 this offer id already holds a reservation
local cost = tonumber(ARGV[1])
local spent = tonumber(redis.call('HGET', KEYS[1], 'spentCents') or '0')
local made = tonumber(redis.call('HGET', KEYS[1], 'made') or '0')
if made + 1 > tonumber(ARGV[3]) then return -1 end
if spent + cost > tonumber(ARGV[2]) then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[4], 'R|' .. cost) == 0 then return -2 end
redis.call('HINCRBY', KEYS[1], 'spentCents', cost)
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HINCRBY', KEYS[1], 'made', 1)
redis.call('ZADD', KEYS[3], tonumber(ARGV[5]), ARGV[4])
return 1
