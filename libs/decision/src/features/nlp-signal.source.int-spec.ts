import { NlpSignalStore } from '@offerstream/nlp';
import { createRedis, loadRedisEnv, RedisKeys } from '@offerstream/redis';
import { randomId } from '@offerstream/testing';
import { InMemoryFeatureSource } from './in-memory-feature.source';
import { NlpSignalSource } from './nlp-signal.source';

const HOUR = 3_600_000;

describe('NLP signals as the NLP worker writes them, read as decision features', () => {
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `${randomId()}:` }));
  const store = new NlpSignalStore(redis, {
    priorMean: 0.5,
    priorWeight: 5,
    maxNegativeTerms: 10,
    intentHalfLifeMs: 24 * HOUR,
    maxIntents: 20,
    maxUserReviews: 20,
    userTtlMs: 86_400_000,
  });
  afterAll(async () => {
    const keys = [
      ...['bad', 'flagged'].flatMap((i) => [
        RedisKeys.item.sentiment(i),
        RedisKeys.item.negativeTerms(i),
        RedisKeys.item.nlpWatermark(i),
      ]),
      ...[RedisKeys.user.intent('u'), RedisKeys.user.reviewSentiment('u'), RedisKeys.user.nlpWatermark('u')],
    ];
    await Promise.all(keys.map((k) => redis.del(k)));
    await redis.quit();
  });

  it('adds smoothed review sentiment to items and decayed search intent to users, leaving absent signals missing', async () => {
    const now = Date.UTC(2026, 10, 30, 12);
    const wm = NlpSignalStore.watermarkField('clickstream', 0);
    await store.applyItemReviews(
      'bad',
      wm,
      [0.1, 0.1, 0.1, 0.1, 0.1].map((p, i) => ({ o: String(i), p, l: 'negative' as const })),
    );
    await store.applyItemReviews('flagged', wm, [{ o: '9', p: 0.5, l: 'neutral', f: 1 }]);
    await store.applyUserSignals('u', wm, [
      { o: '1', t: now - 24 * HOUR, c: [['shoes', 0.8]] },
      { o: '2', t: now - 24 * HOUR, c: [['bags', 0.9]] },
      {
        o: '3',
        t: now - 24 * HOUR,
        c: [
          ['bags', 0.9],
          ['hats', 0.3],
        ],
      },
      { o: '4', t: now - 24 * HOUR, c: [['bags', 0.9]] },
    ]);
    const inner = new InMemoryFeatureSource();
    inner.itemMap.set('bad', { itemId: 'bad', price: 10 });
    const source = new NlpSignalSource(inner, redis, () => now);

    const items = await source.items(['bad', 'flagged', 'plain']);
    // (0.5 * 5 + 5 * 0.1) / (5 + 5)
    expect(items.get('bad')?.price).toBe(10);
    expect(items.get('bad')?.sentiment).toBeCloseTo(0.3, 12);
    expect(items.has('flagged')).toBe(false);
    expect(items.has('plain')).toBe(false);

    // Written a half-life ago: half of each held score, capped at 1 (bags is held at 2.7, so 1.35 before the cap).
    const intent = (await source.user('u'))?.intent ?? {};
    expect(Object.keys(intent).sort()).toEqual(['bags', 'hats', 'shoes']);
    expect(intent['shoes']).toBeCloseTo(0.4, 12);
    expect(intent['bags']).toBe(1);
    expect(intent['hats']).toBeCloseTo(0.15, 12);
    expect(await source.user('nobody')).toBeUndefined();
  });
});
