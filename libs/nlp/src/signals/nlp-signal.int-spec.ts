import { createRedis, loadRedisEnv, RedisKeys, type RedisClient } from '@offerstream/redis';
import { randomId } from '@offerstream/testing';
import { NlpSignalReader } from './nlp-signal.reader';
import { NlpSignalStore, type NlpSignalWriterSettings } from './nlp-signal.store';

const HOUR = 3_600_000;
const WM = NlpSignalStore.watermarkField('reviews', 0);
const settings: NlpSignalWriterSettings = {
  priorMean: 0.3,
  priorWeight: 4,
  maxNegativeTerms: 3,
  intentHalfLifeMs: 24 * HOUR,
  maxIntents: 20,
  maxUserReviews: 20,
  userTtlMs: 30 * 24 * HOUR,
};

describe('NLP signals written by the store and read back by the reader in real Redis', () => {
  let redis: RedisClient;
  const items: string[] = [];
  const users: string[] = [];
  const fresh = (ids: string[], kind: string): string => {
    const id = randomId(kind);
    ids.push(id);
    return id;
  };
  const item = (): string => fresh(items, 'i');
  const user = (): string => fresh(users, 'u');

  beforeAll(() => {
    redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `${randomId()}:` }));
  });
  afterAll(async () => {
    const keys = [
      ...items.flatMap((i) => [
        RedisKeys.item.sentiment(i),
        RedisKeys.item.negativeTerms(i),
        RedisKeys.item.nlpWatermark(i),
      ]),
      ...users.flatMap((u) => [
        RedisKeys.user.intent(u),
        RedisKeys.user.reviewSentiment(u),
        RedisKeys.user.nlpWatermark(u),
      ]),
    ];
    await Promise.all(keys.map((k) => redis.del(k)));
    await redis.quit();
  });

  it('reads the smoothed mean with the prior the writer stored, flagged reviews apart, replays ignored', async () => {
    const store = new NlpSignalStore(redis, settings);
    const reader = new NlpSignalReader(redis);
    const id = item();
    const entries = [
      { o: '10', p: 0.9, l: 'positive' as const },
      {
        o: '11',
        p: 0.2,
        l: 'negative' as const,
        t: [['broken', 2] as [string, number], ['slow', 1] as [string, number]],
      },
      { o: '12', p: 0.5, l: 'neutral' as const, f: 1 as const },
      { o: '13', p: 0.7, l: 'positive' as const },
    ];
    expect(await store.applyItemReviews(id, WM, entries)).toBe(4);
    expect(await store.applyItemReviews(id, WM, entries)).toBe(0);

    const s = await reader.itemSentiment(id);
    // (0.3 * 4 + 0.9 + 0.2 + 0.7) / (4 + 3) = 3 / 7; the plain mean is 1.8 / 3.
    expect(s).toMatchObject({
      count: 3,
      flagged: 1,
      positive: 2,
      negative: 1,
      neutral: 0,
      prior: { mean: 0.3, weight: 4 },
    });
    expect(s?.smoothedPositive).toBeCloseTo(3 / 7, 12);
    expect(s?.meanPositive).toBeCloseTo(0.6, 12);
    expect(s?.negativeTerms).toEqual([
      { term: 'broken', score: 2 },
      { term: 'slow', score: 1 },
    ]);
    expect((await reader.smoothedSentiments([id])).get(id)).toBeCloseTo(3 / 7, 12);
  });

  it('uses the prior of the writer that wrote the item, not a default of its own', async () => {
    const store = new NlpSignalStore(redis, { ...settings, priorMean: 0.2, priorWeight: 8 });
    const reader = new NlpSignalReader(redis);
    const id = item();
    await store.applyItemReviews(id, WM, [
      { o: '1', p: 1, l: 'positive' },
      { o: '2', p: 1, l: 'positive' },
    ]);
    // (0.2 * 8 + 2) / (8 + 2) = 0.36
    expect((await reader.itemSentiment(id))?.smoothedPositive).toBeCloseTo(0.36, 12);
    expect((await reader.smoothedSentiments([id])).get(id)).toBeCloseTo(0.36, 12);
  });

  it('leaves out items without counted reviews: only flagged ones, or none at all', async () => {
    const store = new NlpSignalStore(redis, settings);
    const reader = new NlpSignalReader(redis);
    const flaggedOnly = item();
    const unknown = item();
    await store.applyItemReviews(flaggedOnly, WM, [{ o: '1', p: 0.5, l: 'neutral', f: 1 }]);
    expect((await reader.itemSentiment(flaggedOnly))?.smoothedPositive).toBeCloseTo(0.3, 12);
    expect(await reader.itemSentiment(unknown)).toBeUndefined();
    expect((await reader.smoothedSentiments([flaggedOnly, unknown])).size).toBe(0);
  });

  it('decays intent written 24 hours ago with a 24-hour half-life to half', async () => {
    const store = new NlpSignalStore(redis, settings);
    const reader = new NlpSignalReader(redis);
    const id = user();
    const now = Date.UTC(2026, 10, 30, 12);
    await store.applyUserSignals(id, WM, [{ o: '5', t: now - 24 * HOUR, c: [['shoes', 0.8]] }]);
    const read = await reader.intentScores(id, now);
    expect(read?.intents).toHaveLength(1);
    expect(read?.intents[0]?.category).toBe('shoes');
    expect(read?.intents[0]?.score).toBeCloseTo(0.4, 12);
    expect(read?.intentUpdatedAt).toBe(new Date(now - 24 * HOUR).toISOString());
  });

  it('ages held scores with the half-life the writer stored, through several searches', async () => {
    const store = new NlpSignalStore(redis, { ...settings, intentHalfLifeMs: 6 * HOUR });
    const reader = new NlpSignalReader(redis);
    const id = user();
    const now = Date.UTC(2026, 10, 30, 12);
    await store.applyUserSignals(id, WM, [
      { o: '1', t: now - 18 * HOUR, c: [['shoes', 0.8]] },
      { o: '2', t: now - 12 * HOUR, c: [['bags', 0.6]] },
    ]);
    // Held at now - 12h: shoes 0.8 * 0.5 = 0.4, bags 0.6; twelve more hours at a 6h half-life quarter both.
    const read = await reader.intentScores(id, now);
    expect(read?.intents.map((i) => i.category)).toEqual(['bags', 'shoes']);
    expect(read?.intents[0]?.score).toBeCloseTo(0.15, 12);
    expect(read?.intents[1]?.score).toBeCloseTo(0.1, 12);
    expect((await reader.intentScores(id, now, 1))?.intents).toHaveLength(1);
  });

  it('returns the recent reviews with the intents, and nothing for an unknown user', async () => {
    const store = new NlpSignalStore(redis, settings);
    const reader = new NlpSignalReader(redis);
    const id = user();
    const now = Date.UTC(2026, 10, 30, 12);
    const review = {
      itemId: 'i-1',
      eventId: 'e-1',
      positive: 0.9,
      label: 'positive' as const,
      rating: 5,
      language: 'en',
      flags: [],
      occurredAt: new Date(now).toISOString(),
    };
    await store.applyUserSignals(id, WM, [{ o: '1', t: now, r: JSON.stringify(review) }]);
    expect(await reader.userIntent(id, now)).toEqual({
      userId: id,
      intents: [],
      asOf: new Date(now).toISOString(),
      intentUpdatedAt: null,
      recentReviews: [review],
    });
    expect(await reader.userIntent(user(), now)).toBeUndefined();
  });

  it('expires every key of a user after the TTL, renewed by each write, and drops writes for an erased user', async () => {
    const store = new NlpSignalStore(redis, settings);
    const id = user();
    await store.applyUserSignals(id, WM, [{ o: '1', t: Date.now(), c: [['shoes', 0.8]] }]);
    for (const key of [RedisKeys.user.nlpWatermark(id), RedisKeys.user.intent(id)]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(settings.userTtlMs - 60_000);
      expect(ttl).toBeLessThanOrEqual(settings.userTtlMs);
    }
    expect(await NlpSignalStore.eraseUser(redis, id)).toBe(2);
    await redis.set(RedisKeys.user.erased(id), '1', 'PX', 60_000);
    expect(await store.applyUserSignals(id, WM, [{ o: '2', t: Date.now(), c: [['hats', 0.9]] }])).toBe(0);
    expect(await redis.exists(RedisKeys.user.intent(id), RedisKeys.user.nlpWatermark(id))).toBe(0);
  });
});
