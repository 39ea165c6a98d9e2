-- Closes the attribution window of due decisions: each leaves the pending set with the reward joined so far and is
-- appended to the bounded reward log the incremental-profit model is trained from. One instance's sweep takes a
-- decision once (the ZREM is in the same script as the read).
-- KEYS[1] due zset, KEYS[2] pending hash, KEYS[3] reward hash, KEYS[4] latest hash, KEYS[5] reward log, KEYS[6] appended
-- ARGV[1] now ms, ARGV[2] most decisions per call, ARGV[3] max log length
-- Returns the joined decisions' JSON (the decision JSON with "reward" and "converted" added)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[2], id)
  local credited = redis.call('HGET', KEYS[3], id)
  local reward = credited or '0'
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  if json then
    local user = cjson.decode(json)['userId']
    if user and redis.call('HGET', KEYS[4], user) == id then redis.call('HDEL', KEYS[4], user) end
    local joined = string.sub(json, 1, -2) .. ',"reward":' .. reward .. ',"converted":' .. (credited and 'true' or 'false') .. '}'
    redis.call('RPUSH', KEYS[5], joined)
    out[#out + 1] = joined
  end
end
if #out > 0 then
  redis.call('LTRIM', KEYS[5], -tonumber(ARGV[3]), -1)
  redis.call('INCRBY', KEYS[6], #out)
end
return out
