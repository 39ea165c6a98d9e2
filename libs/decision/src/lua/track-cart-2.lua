-- Keeps a user's open cart and its idle deadline. A fresh cart gets the id of the event that opened it, so
-- that the abandonment trigger of one cart has one stable id however often events are redelivered.
-- KEYS[1] pending zset (user -> deadline ms), KEYS[2] cart contents hash (user -> JSON)
-- ARGV[1] user, ARGV[2] op (add | remove | clear), ARGV[3] item, ARGV[4] quantity, ARGV[5] unit price
-- (or ''), ARGV[6] deadline ms, ARGV[7] event id
local user = ARGV[1]
local op = ARGV[2]
if op == 'clear' then
  redis.call('ZREM', KEYS[1], user)
  redis.call('HDEL', KEYS[2], user)
  return 0
end
local raw = redis.call('HGET', KEYS[2], user)
local cart = raw and cjson.decode(raw) or { cartId = ARGV[7], items = {}, seen = {} }
-- A redelivered cart event must not count its quantity twice: the last event ids are remembered.
cart.seen = cart.seen or {}
for _, id in ipairs(cart.seen) do
  if id == ARGV[7] then return -1 end
end
table.insert(cart.seen, ARGV[7])
if #cart.seen > 50 then table.remove(cart.seen, 1) end
local item = ARGV[3]
local q = tonumber(ARGV[4])
local line = cart.items[item]
if op == 'add' then
  if line then
    line.q = line.q + q
  else
    line = { q = q }
    cart.items[item] = line
  end
  if ARGV[5] ~= '' then line.p = tonumber(ARGV[5]) end
elseif line then
  line.q = line.q - q
  if line.q <= 0 then cart.items[item] = nil end
end
local n = 0
for _ in pairs(cart.items) do n = n + 1 end
if n == 0 then
  redis.call('ZREM', KEYS[1], user)
  redis.call('HDEL', KEYS[2], user)
  return 0
end
redis.call('HSET', KEYS[2], user, cjson.encode(cart))
redis.call('ZADD', KEYS[1], tonumber(ARGV[6]), user)
return n
