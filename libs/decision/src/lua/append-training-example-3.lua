-- Appends an offer's one training example for the propensity model: the first labelling outcome of the offer
-- wins (a redelivered or later outcome of the same offer appends nothing). The log keeps the newest examples only.
-- KEYS[1] the offer's labelled marker, KEYS[2] training log (list), KEYS[3] appended counter
-- ARGV[1] example JSON, ARGV[2] label, ARGV[3] marker TTL s, ARGV[4] max log length
-- Returns 1 appended, 0 already labelled
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', tonumber(ARGV[3])) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
redis.call('INCR', KEYS[3])
return 1
