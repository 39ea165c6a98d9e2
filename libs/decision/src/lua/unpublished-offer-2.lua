-- An offer's record if it is still in the outbox (recorded, never acknowledged by Kafka), else nothing.
-- KEYS[1] outbox zset, KEYS[2] the offer's record; ARGV[1] offer id
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return false end
return redis.call('GET', KEYS[2])
