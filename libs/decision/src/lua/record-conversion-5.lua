-- Attributes one order to a campaign's treated or holdout group (intent to treat: by assignment, whether or
-- not an offer was made or redeemed), once per order, within the attribution window after the user's latest
-- decision of the campaign. Revenue and gross profit are summed per user so that the report can give the
-- variance of each per customer (sum of squares of the per-user totals).
-- KEYS[1] members hash, KEYS[2] figures hash, KEYS[3] per-user revenue hash, KEYS[4] order marker,
-- KEYS[5] per-user gross profit hash
-- ARGV[1] user, ARGV[2] order revenue, ARGV[3] now ms, ARGV[4] attribution window ms, ARGV[5] marker TTL s,
-- ARGV[6] order gross profit, ARGV[7] order revenue whose cost of goods is unknown
local member = redis.call('HGET', KEYS[1], ARGV[1])
if not member then return 0 end
local group, since = string.match(member, '^(%a)|(%d+)$')
if not group or tonumber(ARGV[3]) - tonumber(since) > tonumber(ARGV[4]) then return 0 end
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', tonumber(ARGV[5])) then return 0 end
local revenue = tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '-1')
if old < 0 then
  redis.call('HINCRBY', KEYS[2], 'conversions:' .. group, 1)
  old = 0
end
local new = old + revenue
redis.call('HSET', KEYS[3], ARGV[1], tostring(new))
redis.call('HINCRBYFLOAT', KEYS[2], 'revenue:' .. group, revenue)
redis.call('HINCRBYFLOAT', KEYS[2], 'revenueSq:' .. group, new * new - old * old)
local profit = tonumber(ARGV[6])
local oldp = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
local newp = oldp + profit
redis.call('HSET', KEYS[5], ARGV[1], tostring(newp))
redis.call('HINCRBYFLOAT', KEYS[2], 'profit:' .. group, profit)
redis.call('HINCRBYFLOAT', KEYS[2], 'profitSq:' .. group, newp * newp - oldp * oldp)
redis.call('HINCRBYFLOAT', KEYS[2], 'revenueWithoutCost:' .. group, tonumber(ARGV[7]))
redis.call('HINCRBY', KEYS[2], 'orders:' .. group, 1)
return 1
