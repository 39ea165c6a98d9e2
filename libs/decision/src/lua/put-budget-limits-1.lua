-- Mirrors a campaign's budget limits and pause state into its budget slot, where the reservation script reads them.
-- Only a newer definition version replaces what is there, so a slow writer (or a cache repairing a missed write)
-- never puts back an older limit.
-- KEYS[1] limits hash
-- ARGV[1] definition version, ARGV[2] spend limit cents, ARGV[3] count limit, ARGV[4] status, ARGV[5] ends at ms (0 none)
-- Returns 1 written, 0 already at this version or newer
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'spendCents', ARGV[2], 'count', ARGV[3], 'status', ARGV[4],
  'endsAtMs', ARGV[5])
return 1
