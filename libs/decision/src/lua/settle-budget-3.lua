-- Settles one offer's reservation from its terminal outcome, once: a redeem keeps the spend (R -> D); a
-- dismiss or expire gives spend and count back to the budget (R -> X). A redeem of an offer already released
-- (X -> L) charges nothing: the offer was void, and charging it would push the budget over its limit; it is
-- counted apart so operators see channels honouring void offers. Anything else (repeat, unknown offer) is a no-op.
-- KEYS[1] budget hash, KEYS[2] per-offer reservations hash, KEYS[3] release schedule zset
-- ARGV[1] offer id, ARGV[2] outcome (redeem | dismiss | expire), ARGV[3] now ms, ARGV[4] how long settled entries are kept (ms)
-- Returns 1 redeemed, 2 released, 3 redeemed after release, 0 unknown offer, -1 already settled
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then return 0 end
local state, cents = string.match(entry, '^(%a)|(%d+)$')
cents = tonumber(cents)
local forgetAt = tonumber(ARGV[3]) + tonumber(ARGV[4])
if state == 'R' then
  if ARGV[2] == 'redeem' then
    redis.call('HSET', KEYS[2], ARGV[1], 'D|' .. cents)
    redis.call('HINCRBY', KEYS[1], 'redeemedCents', cents)
    redis.call('HINCRBY', KEYS[1], 'redeemedCount', 1)
    redis.call('ZADD', KEYS[3], forgetAt, ARGV[1])
    return 1
  end
  redis.call('HSET', KEYS[2], ARGV[1], 'X|' .. cents)
  -- 0 - cents, not -cents: for a free offer (a recommendation) Lua's -0 reaches Redis as "-0", which HINCRBY
  -- refuses, failing the script half-way through its writes.
  redis.call('HINCRBY', KEYS[1], 'spentCents', 0 - cents)
  redis.call('HINCRBY', KEYS[1], 'count', -1)
  redis.call('HINCRBY', KEYS[1], 'releasedCents', cents)
  redis.call('HINCRBY', KEYS[1], 'releasedCount', 1)
  redis.call('ZADD', KEYS[3], forgetAt, ARGV[1])
  return 2
end
if state == 'X' and ARGV[2] == 'redeem' then
  redis.call('HSET', KEYS[2], ARGV[1], 'L|' .. cents)
  redis.call('HINCRBY', KEYS[1], 'lateRedeemedCents', cents)
  redis.call('HINCRBY', KEYS[1], 'lateRedeemedCount', 1)
  return 3
end
return -1
