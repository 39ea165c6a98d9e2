import { randomBytes } from 'node:crypto';
import { CATEGORY_SEPARATOR, defaultFeatureStoreConfig, FeatureStoreReader } from '@offerstream/feature-store';
import { createRedis, loadRedisEnv, RedisKeys } from '@offerstream/redis';
import { FeatureStoreAdapter } from './feature-store.adapter';

describe('feature store adapter on the feature store Redis layout', () => {
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `t${randomBytes(5).toString('hex')}:` }));
  afterAll(async () => {
    await redis.del(
      RedisKeys.item.meta('a'),
      RedisKeys.item.meta('b'),
      RedisKeys.popularity(),
      RedisKeys.item.neighbours('a'),
      RedisKeys.trending(),
    );
    await redis.quit();
  });

  it('reads price, margin, stock and category the same way lean and through getItems, and the neighbour lists', async () => {
    await redis.hset(RedisKeys.item.meta('a'), {
      title: 'A',
      cat: ['home', 'kitchen'].join(CATEGORY_SEPARATOR),
      price: '40',
      cur: 'EUR',
      stock: '0',
      cost: '30',
      at: '1',
    });
    await redis.hset(RedisKeys.item.meta('b'), {
      title: 'B',
      cat: 'garden',
      price: '10',
      cur: 'EUR',
      stock: '3',
      margin: '0.5',
      at: '1',
    });
    await redis.zadd(RedisKeys.popularity(), 5, 'a');
    await redis.zadd(RedisKeys.item.neighbours('a'), 0.9, 'b', 0.2, 'c');
    await redis.zadd(RedisKeys.trending(), 3, 'b');
    const config = defaultFeatureStoreConfig();
    const reader = new FeatureStoreReader(redis, config);
    const lean = await new FeatureStoreAdapter(reader, redis, config).items(['a', 'b', 'unknown']);
    const full = await new FeatureStoreAdapter(reader).items(['a', 'b', 'unknown']);
    expect(lean.get('a')).toMatchObject({ price: 40, stock: 0, categoryPath: ['home', 'kitchen'], marginRate: 0.25 });
    expect(lean.get('b')).toMatchObject({ price: 10, stock: 3, marginRate: 0.5 });
    expect(lean.has('unknown')).toBe(false);
    for (const id of ['a', 'b']) {
      const { popularity: p1, ...l } = lean.get(id)!;
      const { popularity: p2, ...f } = full.get(id)!;
      expect(l).toEqual(f);
      expect(p1).toBeCloseTo(p2!, 6);
    }
    const adapter = new FeatureStoreAdapter(reader, redis, config);
    expect((await adapter.neighbours(['a'], 5)).map((n) => n.itemId)).toEqual(['b', 'c']);
    expect((await adapter.trending(5)).map((n) => n.itemId)).toEqual(['b']);
    expect(await adapter.user('nobody')).toBeUndefined();
  });
});
