-- Spends part of a report's differential-privacy budget, atomically, so concurrent exports never spend more than it.
-- Epsilon is kept in millionths (integers), so repeated spends add up exactly.
-- KEYS[1] privacy budget hash (spent -> millionths, exports -> count)
-- ARGV[1] epsilon to spend (millionths), ARGV[2] the report's whole budget (millionths)
-- Returns {1, spent after} when spent, {0, spent so far} when the budget cannot pay for it
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
local want = tonumber(ARGV[1])
if spent + want > tonumber(ARGV[2]) then return {0, spent} end
redis.call('HINCRBY', KEYS[1], 'exports', 1)
return {1, redis.call('HINCRBY', KEYS[1], 'spent', want)}
