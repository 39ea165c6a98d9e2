import { join } from 'node:path';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { ReservationStore } from './reservation.store';

const isolated = isolatedRedis();
const HISTORY_MS = 3_600_000;
const WINDOW_MS = 600_000;

/** The purchase script as CampaignLearning calls it, without the item lookups around it. */
function convert(redis: RedisClient, campaignId: string, userId: string, orderId: string, revenue: number) {
  return runLua<number>(
    redis,
    'recordConversion',
    [
      RedisKeys.campaign.statsMember(campaignId, userId),
      RedisKeys.campaign.stats(campaignId),
      RedisKeys.campaign.statsOrder(campaignId, orderId),
      RedisKeys.campaign.statsMembers(campaignId),
      RedisKeys.campaign.statsRevenue(campaignId),
      RedisKeys.campaign.statsProfit(campaignId),
    ],
    [userId, revenue, Date.now(), WINDOW_MS, 600, revenue / 2, 0, HISTORY_MS],
  );
}

describe('campaign membership in real Redis', () => {
  let redis: RedisClient;
  let store: ReservationStore;

  beforeAll(() => {
    redis = isolated.client();
    store = new ReservationStore(redis, { triggerOnceTtlSeconds: 600, historyTtlMs: HISTORY_MS });
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  });
  afterAll(() => isolated.close());

  it('keeps each member in its own key that expires a membership window after the latest decision', async () => {
    await store.assignMember('c1', 'u1', 'T', Date.now() - 1_000);
    const key = RedisKeys.campaign.statsMember('c1', 'u1');
    await redis.pexpire(key, 1_000);
    await store.assignMember('c1', 'u1', 'H', Date.now());
    // The second decision renews the expiry but neither counts the user again nor changes the group.
    expect(await redis.pttl(key)).toBeGreaterThan(HISTORY_MS - 5_000);
    expect(await redis.hget(key, 'g')).toBe('T');
    expect(await redis.hget(RedisKeys.campaign.stats('c1'), 'members:T')).toBe('1');
    expect(await redis.hget(RedisKeys.campaign.stats('c1'), 'members:H')).toBeNull();
  });

  it('sums a member’s revenue in the member key, keeping its expiry, and counts the customer once', async () => {
    await store.assignMember('c2', 'u1', 'T', Date.now());
    const key = RedisKeys.campaign.statsMember('c2', 'u1');
    await redis.pexpire(key, 100_000);
    expect(await convert(redis, 'c2', 'u1', 'o1', 30)).toBe(1);
    expect(await convert(redis, 'c2', 'u1', 'o1', 30)).toBe(0);
    expect(await convert(redis, 'c2', 'u1', 'o2', 10)).toBe(1);
    expect(await convert(redis, 'c2', 'nobody', 'o3', 10)).toBe(0);
    expect(await redis.hgetall(key)).toMatchObject({ g: 'T', rev: '40', profit: '20' });
    expect(await redis.pttl(key)).toBeLessThanOrEqual(100_000);
    const figures = await redis.hgetall(RedisKeys.campaign.stats('c2'));
    expect(figures).toMatchObject({ 'conversions:T': '1', 'orders:T': '2', 'revenue:T': '40', 'revenueSq:T': '1600' });
  });

  it('moves a member of the legacy per-campaign hashes into an expiring key without counting it again', async () => {
    const since = Date.now() - 1_000;
    await redis.hset(RedisKeys.campaign.statsMembers('c3'), 'old', `H|${since}`, 'other', `T|${since}`);
    await redis.hset(RedisKeys.campaign.statsRevenue('c3'), 'old', '25', 'other', '5');
    await redis.hset(RedisKeys.campaign.statsProfit('c3'), 'old', '10');
    await redis.hset(RedisKeys.campaign.stats('c3'), 'members:H', 1, 'members:T', 1, 'conversions:H', 1);

    expect(await convert(redis, 'c3', 'old', 'o1', 5)).toBe(1);
    const key = RedisKeys.campaign.statsMember('c3', 'old');
    expect(await redis.hgetall(key)).toEqual({ g: 'H', since: String(since), rev: '30', profit: '12.5' });
    expect(await redis.pttl(key)).toBeGreaterThan(HISTORY_MS - 5_000);
    expect(await redis.hget(RedisKeys.campaign.statsMembers('c3'), 'old')).toBeNull();
    expect(await redis.hget(RedisKeys.campaign.statsRevenue('c3'), 'old')).toBeNull();
    // An existing customer: no second conversion; revenueSq moves from 25² to 30².
    expect(await redis.hgetall(RedisKeys.campaign.stats('c3'))).toMatchObject({
      'conversions:H': '1',
      'revenueSq:H': '275',
    });

    await store.assignMember('c3', 'other', 'H', Date.now());
    expect(await redis.hgetall(RedisKeys.campaign.statsMember('c3', 'other'))).toMatchObject({ g: 'T', rev: '5' });
    expect(await redis.hget(RedisKeys.campaign.stats('c3'), 'members:T')).toBe('1');
    expect(await redis.hlen(RedisKeys.campaign.statsMembers('c3'))).toBe(0);
  });
});
