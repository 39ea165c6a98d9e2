-- Starts a decision's attribution window: the decision (offer, no offer or holdout) waits for purchases until it is
-- due, and becomes the user's latest decision, the one their purchases are credited to. Idempotent per decision id
-- (a redelivered trigger derives the same id), so a retried batch tracks nothing twice.
-- KEYS[1] due zset, KEYS[2] pending hash (id -> decision JSON), KEYS[3] reward hash (a field only once a purchase is
-- credited: its presence is the conversion), KEYS[4] latest hash (user -> id)
-- ARGV[1] decision id, ARGV[2] decision JSON, ARGV[3] due at ms, ARGV[4] user id
-- Returns 1 tracked, 0 already tracked
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[1])
return 1
