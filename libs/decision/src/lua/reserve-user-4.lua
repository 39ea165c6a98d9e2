-- One decision's claim on a user, atomically, in the user's slot: the trigger's once-marker, the decision's
-- record, the campaign's per-user cap, the cross-campaign cooldown and the user's campaign assignment.
-- KEYS[1] trigger-once marker, KEYS[2] user's offers (zset "campaign|offer" by time), KEYS[3] user's campaigns,
-- KEYS[4] the trigger's decision record
-- ARGV[1] now ms, ARGV[2] once TTL s, ARGV[3] mode (offer | holdout | none), ARGV[4] campaign id,
-- ARGV[5] offer id, ARGV[6] per-user cap, ARGV[7] cap window ms, ARGV[8] cooldown ms, ARGV[9] group (T | H),
-- ARGV[10] history TTL ms, ARGV[11] the decision record (JSON; for an offer, the record of its refusal by a
-- guardrail, whose reason the marker then holds; '' for none)
-- Returns {status, detail, record}: ok | duplicate (detail = what the first delivery decided: offer@campaign,
-- holdout, none, or why no offer was made; record = what the first delivery stored, '' if nothing) | cap | cooldown
local now = tonumber(ARGV[1])
local mode = ARGV[3]
local campaign = ARGV[4]
-- An offer's marker names its campaign too: the offer's record lives in that campaign's budget slot.
local marker = mode == 'offer' and (ARGV[5] .. '@' .. campaign) or mode
if not redis.call('SET', KEYS[1], marker, 'NX', 'EX', tonumber(ARGV[2])) then
  return {'duplicate', redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[4]) or ''}
end
-- The record exists from the moment the trigger is claimed, whatever happens to this delivery afterwards (a failed
-- produce, a timeout, a kill): the redelivery finds it. It lives as long as the marker unless Kafka takes it first.
if ARGV[11] ~= '' then
  redis.call('SET', KEYS[4], ARGV[11], 'EX', tonumber(ARGV[2]))
end
if mode == 'offer' then
  local keep = tonumber(ARGV[10])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
  local cooldown = tonumber(ARGV[8])
  if cooldown > 0 then
    local last = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    if last[2] and now - tonumber(last[2]) < cooldown then
      redis.call('SET', KEYS[1], 'cooldown', 'KEEPTTL')
      return {'cooldown', last[1], ''}
    end
  end
  local recent = redis.call('ZRANGEBYSCORE', KEYS[2], now - tonumber(ARGV[7]), '+inf')
  local prefix = campaign .. '|'
  local n = 0
  for _, m in ipairs(recent) do
    if string.sub(m, 1, #prefix) == prefix then n = n + 1 end
  end
  if n >= tonumber(ARGV[6]) then
    redis.call('SET', KEYS[1], 'cap', 'KEEPTTL')
    return {'cap', tostring(n), ''}
  end
  redis.call('ZADD', KEYS[2], now, prefix .. ARGV[5])
  redis.call('PEXPIRE', KEYS[2], keep)
end
redis.call('HSET', KEYS[3], campaign, ARGV[9] .. '|' .. ARGV[1])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[10]))
return {'ok', '', ''}
