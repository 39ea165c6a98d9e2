-- Compensation when the campaign budget refused an offer already counted against the user's caps: the cap
-- entry goes, the once-marker stays (so a redelivery does not try again) but records why nothing was sent.
-- KEYS[1] trigger-once marker, KEYS[2] user's offers zset
-- ARGV[1] zset member ("campaign|offer"), ARGV[2] marker reason
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
