-- Assigns a user to a campaign's treated (T) or holdout (H) group, counted once; every later decision of the
-- campaign for the user moves the start of the attribution window to now (the group never changes while the member
-- lives). The member is one hash per user that expires a membership window after the user's latest decision, so
-- nothing of an idle user stays in the campaign's figures; a user decided again after it expired counts anew.
-- KEYS[1] the user's member hash (g, since, rev, profit), KEYS[2] figures hash,
-- KEYS[3..5] legacy members, revenue and profit hashes (one field per user, no expiry): a user found there is moved
-- into KEYS[1] first, so an upgrade neither counts a member twice nor loses their revenue
-- ARGV[1] user, ARGV[2] group, ARGV[3] now ms, ARGV[4] membership window ms
-- Returns 1 on the first assignment, 0 after
local ttl = tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[1]) == 0 then
  local old = redis.call('HGET', KEYS[3], ARGV[1])
  if old then
    local g, since = string.match(old, '^(%a)|(%d+)$')
    redis.call('HSET', KEYS[1], 'g', g or ARGV[2], 'since', since or ARGV[3])
    local rev = redis.call('HGET', KEYS[4], ARGV[1])
    if rev then redis.call('HSET', KEYS[1], 'rev', rev) end
    local profit = redis.call('HGET', KEYS[5], ARGV[1])
    if profit then redis.call('HSET', KEYS[1], 'profit', profit) end
    redis.call('HDEL', KEYS[3], ARGV[1])
    redis.call('HDEL', KEYS[4], ARGV[1])
    redis.call('HDEL', KEYS[5], ARGV[1])
  else
    redis.call('HSET', KEYS[1], 'g', ARGV[2], 'since', ARGV[3])
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('HINCRBY', KEYS[2], 'members:' .. ARGV[2], 1)
    return 1
  end
end
redis.call('HSET', KEYS[1], 'since', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
return 0
