-- Writes a campaign definition only if its stored version is the one the writer read (0 = must not exist),
-- adds it to the index and bumps the change counter that running instances poll.
-- KEYS[1] definition, KEYS[2] index set, KEYS[3] change counter
-- ARGV[1] campaign id, ARGV[2] JSON, ARGV[3] expected stored version (0 for create), ARGV[4] new version
local current = redis.call('GET', KEYS[1])
local expected = tonumber(ARGV[3])
if current then
  local stored = tonumber(string.match(current, '"version":(%d+)'))
  if expected == 0 then return -1 end
  if stored ~= expected then return -2 end
elseif expected ~= 0 then
  return -3
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return redis.call('INCR', KEYS[3])
