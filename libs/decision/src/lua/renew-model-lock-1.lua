-- Extends the refit lock's expiry only if this instance still holds it (a refit that outlived it must not take it back
-- from the instance that has it now).
-- KEYS[1] lock, ARGV[1] owner token, ARGV[2] new expiry in ms
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
