-- Releases reservations whose redemption window (plus grace) has passed without a terminal outcome, and forgets
-- settled entries whose retention has passed. Any number of instances may run it: each entry is handled by
-- whichever call sees it due first, and its state makes a second release impossible.
-- KEYS[1] budget hash, KEYS[2] per-offer reservations hash, KEYS[3] release schedule zset
-- ARGV[1] now ms, ARGV[2] how long settled entries are kept (ms), ARGV[3] max entries per call
-- Returns {released, entries looked at}
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local released = 0
for _, offer in ipairs(due) do
  local entry = redis.call('HGET', KEYS[2], offer)
  local state, cents = nil, nil
  if entry then state, cents = string.match(entry, '^(%a)|(%d+)$') end
  if state == 'R' then
    cents = tonumber(cents)
    redis.call('HSET', KEYS[2], offer, 'X|' .. cents)
    -- 0 - cents, not -cents: for a free offer (a recommendation) Lua's -0 reaches Redis as "-0", which HINCRBY
    -- refuses, failing the script half-way through its writes.
    redis.call('HINCRBY', KEYS[1], 'spentCents', 0 - cents)
    redis.call('HINCRBY', KEYS[1], 'count', -1)
    redis.call('HINCRBY', KEYS[1], 'releasedCents', cents)
    redis.call('HINCRBY', KEYS[1], 'releasedCount', 1)
    redis.call('HINCRBY', KEYS[1], 'windowReleasedCount', 1)
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), offer)
    released = released + 1
  else
    redis.call('HDEL', KEYS[2], offer)
    redis.call('ZREM', KEYS[3], offer)
  end
end
return {released, #due}
