import { randomBytes } from 'node:crypto';
import { createRedis, loadRedisEnv, RedisKeys } from '@offerstream/redis';
import { InMemoryFeatureSource } from './in-memory-feature.source';
import { NlpSignalSource } from './nlp-signal.source';

describe('NLP signals read from the keys the NLP worker writes', () => {
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `t${randomBytes(5).toString('hex')}:` }));
  afterAll(async () => {
    await redis.del(RedisKeys.item.sentiment('bad'), RedisKeys.user.intent('u'));
    await redis.quit();
  });

  it('adds smoothed review sentiment to items and search intent to users, leaving absent signals missing', async () => {
    await redis.hset(RedisKeys.item.sentiment('bad'), { count: '5', sumPositive: '0.5', priorMean: '0.5', priorWeight: '5' });
    await redis.zadd(RedisKeys.user.intent('u'), 0.8, 'shoes', 3, 'bags');
    const inner = new InMemoryFeatureSource();
    inner.itemMap.set('bad', { itemId: 'bad', price: 10 });
    const source = new NlpSignalSource(inner, redis);
    const items = await source.items(['bad', 'plain']);
    expect(items.get('bad')).toEqual({ itemId: 'bad', price: 10, sentiment: (0.5 + 2.5) / 10 });
    expect(items.has('plain')).toBe(false);
    expect((await source.user('u'))?.intent).toEqual({ shoes: 0.8, bags: 1 });
    expect(await source.user('nobody')).toBeUndefined();
  });
});
