-- Forgets one user's feature-store state and leaves a tombstone, in one step (one hash tag).
-- KEYS[1] state blob, KEYS[2] segment, KEYS[3] tombstone; ARGV[1] erased-at ms, ARGV[2] tombstone TTL ms.
-- Returns the number of keys removed (0 when already erased: erasing is idempotent).
local removed = redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return removed
