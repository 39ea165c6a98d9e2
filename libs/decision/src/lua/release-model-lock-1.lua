-- Releases the refit lock only if this instance still holds it (it may have expired and passed to another).
-- KEYS[1] lock, ARGV[1] owner token
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
