-- Attributes one order to a campaign's treated or holdout group (intent to treat: by assignment, whether or
-- not an offer was made or redeemed), once per order, within the attribution window after the user's latest
-- decision of the campaign. Revenue and gross profit are summed per member so that the report can give the
-- variance of each per customer (sum of squares of the per-member totals); they expire with the member.
-- KEYS[1] the user's member hash (g, since, rev, profit), KEYS[2] figures hash, KEYS[3] order marker,
-- KEYS[4..6] legacy members, revenue and profit hashes (moved into KEYS[1] first; see assign-member-5.lua)
-- ARGV[1] user, ARGV[2] order revenue, ARGV[3] now ms, ARGV[4] attribution window ms, ARGV[5] marker TTL s,
-- ARGV[6] order gross profit, ARGV[7] order revenue whose cost of goods is unknown, ARGV[8] membership window ms
if redis.call('EXISTS', KEYS[1]) == 0 then
  local old = redis.call('HGET', KEYS[4], ARGV[1])
  if not old then return 0 end
  local g, since = string.match(old, '^(%a)|(%d+)$')
  if not g then return 0 end
  redis.call('HSET', KEYS[1], 'g', g, 'since', since)
  local rev = redis.call('HGET', KEYS[5], ARGV[1])
  if rev then redis.call('HSET', KEYS[1], 'rev', rev) end
  local profit = redis.call('HGET', KEYS[6], ARGV[1])
  if profit then redis.call('HSET', KEYS[1], 'profit', profit) end
  redis.call('HDEL', KEYS[4], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('HDEL', KEYS[6], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[8]))
end
local member = redis.call('HMGET', KEYS[1], 'g', 'since', 'rev', 'profit')
local group, since = member[1], tonumber(member[2])
if not group or not since or tonumber(ARGV[3]) - since > tonumber(ARGV[4]) then return 0 end
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', tonumber(ARGV[5])) then return 0 end
local revenue = tonumber(ARGV[2])
local old = tonumber(member[3] or '-1')
if old < 0 then
  redis.call('HINCRBY', KEYS[2], 'conversions:' .. group, 1)
  old = 0
end
local new = old + revenue
redis.call('HINCRBYFLOAT', KEYS[2], 'revenue:' .. group, revenue)
redis.call('HINCRBYFLOAT', KEYS[2], 'revenueSq:' .. group, new * new - old * old)
local profit = tonumber(ARGV[6])
local oldp = tonumber(member[4] or '0')
local newp = oldp + profit
-- HSET keeps the member's expiry: a purchase does not extend the membership, only a decision does.
redis.call('HSET', KEYS[1], 'rev', tostring(new), 'profit', tostring(newp))
redis.call('HINCRBYFLOAT', KEYS[2], 'profit:' .. group, profit)
redis.call('HINCRBYFLOAT', KEYS[2], 'profitSq:' .. group, newp * newp - oldp * oldp)
redis.call('HINCRBYFLOAT', KEYS[2], 'revenueWithoutCost:' .. group, tonumber(ARGV[7]))
redis.call('HINCRBY', KEYS[2], 'orders:' .. group, 1)
return 1
