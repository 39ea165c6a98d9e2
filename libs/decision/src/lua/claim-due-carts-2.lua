-- Claims carts whose idle deadline has passed: each claimed cart's score moves to now + lease, so exactly one
-- scheduler (on any instance) gets it, and it comes back if that scheduler dies before acknowledging.
-- KEYS[1] pending zset, KEYS[2] cart contents hash
-- ARGV[1] now ms, ARGV[2] lease ms, ARGV[3] max carts
-- Returns a flat list: user, lease score, cart JSON, ...
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
local lease = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, user in ipairs(due) do
  redis.call('ZADD', KEYS[1], lease, user)
  out[#out + 1] = user
  out[#out + 1] = tostring(lease)
  out[#out + 1] = redis.call('HGET', KEYS[2], user) or ''
end
return out
