-- Publishes a refitted model (propensity weights or the incremental-profit model) if the version is still the one the refit compared against (a refit that
-- outlived its lock never overwrites a newer model). Instances poll the version and reload the model when it moves.
-- KEYS[1] model JSON, KEYS[2] version counter
-- ARGV[1] expected current version, ARGV[2] model JSON with the placeholder "@SEQ@" for the new version number
-- Returns the new version, or -1 if another refit published first
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local next = current + 1
redis.call('SET', KEYS[1], (string.gsub(ARGV[2], '@SEQ@', tostring(next))))
redis.call('SET', KEYS[2], next)
return next
