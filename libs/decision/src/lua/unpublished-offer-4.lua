-- What became of the offer a trigger's first delivery claimed, asked by its redelivery, in the budget's slot:
-- {'outbox', record} recorded and never acknowledged by Kafka (publish it again; record '' if it expired),
-- {'reserved'} reserved and out of the outbox (published already), or {'void'} never reserved: the delivery was
-- interrupted between its claim and its reservation. The offer id is then voided in the same step, so that a
-- reservation still on its way from that delivery is refused (reserve-offer-7.lua) and the trigger ends as no offer.
-- KEYS[1] outbox zset, KEYS[2] the offer's record, KEYS[3] per-offer reservations hash, KEYS[4] the offer's void marker
-- ARGV[1] offer id, ARGV[2] void marker TTL s
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {'outbox', redis.call('GET', KEYS[2]) or ''} end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return {'reserved'} end
redis.call('SET', KEYS[4], '1', 'EX', tonumber(ARGV[2]))
return {'void'}
