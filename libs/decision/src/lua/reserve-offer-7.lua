-- Reserves one offer's worst-case cost against its campaign budget and records the offer, in one atomic step in the
-- budget's slot: an offer record (what gets published, and republished by recovery) never exists without its
-- reservation, and a reservation is never made for an offer nobody can publish. The check and the increment are
-- one step, so concurrent deciders on any number of instances can never overspend.
-- The limits and pause state are read here from the limits hash (mirrored from the campaign definition on every
-- change), not from the caller's cached campaign: a budget cut or a pause binds every instance from the next call.
-- The caller's limits apply only while the hash does not exist yet (a campaign saved before it was introduced).
-- The count limit caps offers MADE (field `made`, never given back); `count` is what is held now and goes back with
-- the spend when an offer ends unused, so a campaign cannot exceed its count by recycling dismissed offers.
-- KEYS[1] budget hash (spentCents, count, made, ...), KEYS[2] per-offer reservations hash, KEYS[3] release schedule
-- zset, KEYS[4] limits hash, KEYS[5] the offer's record, KEYS[6] outbox zset (recorded, not yet acknowledged),
-- KEYS[7] the offer id's void marker (unpublished-offer-4.lua: a redelivery gave the offer up)
-- ARGV[1] cost in cents, ARGV[2] spend limit in cents, ARGV[3] count limit (both used only without KEYS[4]),
-- ARGV[4] offer id, ARGV[5] release at ms, ARGV[6] now ms (the decision's clock: campaign end), ARGV[7] record JSON
-- ('' = reserve only), ARGV[8] record TTL s, ARGV[9] wall clock ms (outbox order: the sweeper compares it with its own
-- clock, so a decision taken on another clock, a replay's or a simulation's, is neither swept at once nor never)
-- Returns 1 reserved, 0 spend exhausted, -1 count exhausted, -2 this offer id already holds a reservation,
-- -3 campaign paused, -4 campaign ended, -5 offer id given up (void)
-- A void offer id is refused first: the redelivery that voided it publishes the trigger's decision as no
-- offer, so a reservation arriving late from the interrupted delivery must not make an offer too.
if redis.call('EXISTS', KEYS[7]) == 1 then return -5 end
local limits = redis.call('HMGET', KEYS[4], 'spendCents', 'count', 'status', 'endsAtMs')
local spendLimit = tonumber(limits[1] or ARGV[2])
local countLimit = tonumber(limits[2] or ARGV[3])
if limits[3] and limits[3] ~= 'active' then return -3 end
local endsAt = tonumber(limits[4] or '0')
if endsAt > 0 and tonumber(ARGV[6]) >= endsAt then return -4 end
local cost = tonumber(ARGV[1])
local spent = tonumber(redis.call('HGET', KEYS[1], 'spentCents') or '0')
local made = tonumber(redis.call('HGET', KEYS[1], 'made') or '0')
if made + 1 > countLimit then return -1 end
if spent + cost > spendLimit then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[4], 'R|' .. cost) == 0 then return -2 end
redis.call('HINCRBY', KEYS[1], 'spentCents', cost)
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HINCRBY', KEYS[1], 'made', 1)
redis.call('ZADD', KEYS[3], tonumber(ARGV[5]), ARGV[4])
if ARGV[7] ~= '' then
  redis.call('SET', KEYS[5], ARGV[7], 'EX', tonumber(ARGV[8]))
  redis.call('ZADD', KEYS[6], tonumber(ARGV[9] or ARGV[6]), ARGV[4])
end
return 1
