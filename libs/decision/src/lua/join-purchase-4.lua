-- Credits one order's gross profit to the user's latest decision if its attribution window is still open, once
-- per order (a redelivered purchase adds nothing). Last touch: an older decision of the same user stops earning
-- when a newer one is taken.
-- KEYS[1] latest hash (user -> id), KEYS[2] due zset, KEYS[3] reward hash, KEYS[4] order marker
-- ARGV[1] user id, ARGV[2] order gross profit, ARGV[3] now ms, ARGV[4] marker TTL s
-- Returns 1 credited, 0 no open decision, -1 order already credited
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return 0 end
local due = redis.call('ZSCORE', KEYS[2], id)
if not due or tonumber(due) < tonumber(ARGV[3]) then return 0 end
if not redis.call('SET', KEYS[4], id, 'NX', 'EX', tonumber(ARGV[4])) then return -1 end
redis.call('HINCRBYFLOAT', KEYS[3], id, ARGV[2])
return 1
