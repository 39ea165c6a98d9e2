import type { CatalogEvent } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import {
  CatalogWriter,
  CategoryIndexRefresher,
  CategoryIntentReader,
  loadFeatureStoreConfig,
} from '@offerstream/feature-store';

const cfg = loadFeatureStoreConfig({ FS_CATEGORY_MIN_ITEMS: '2', FS_CATEGORY_EXEMPLARS: '3' });

const upsert = (itemId: string, title: string, categoryPath: string[], offset: number): CatalogEvent => ({
  eventId: `c-${itemId}-${offset}`,
  schemaVersion: '1.0',
  occurredAt: '2026-12-01T00:00:00Z',
  producer: 'test',
  type: 'item_upsert',
  payload: { itemId, title, description: '', categoryPath, price: 20, currency: 'EUR', stock: 5, tags: [] },
});

const CATALOG: [string, string, string[]][] = [
  ['s1', 'trail running shoes', ['sport', 'c-17']],
  ['s2', 'road running shoes', ['sport', 'c-17']],
  ['s3', 'kids sneakers', ['sport', 'c-17']],
  ['t1', 'jasmine green tea', ['food', 'c-42']],
  ['t2', 'oolong tea leaves', ['food', 'c-42']],
  ['x1', 'lonely umbrella', ['misc', 'c-99']],
];

describe('intent in the shop’s categories, from the catalog the stream processor stores', () => {
  const env = isolatedRedis();
  const writer = new CatalogWriter(env.redis, cfg);
  const refresher = new CategoryIndexRefresher(env.redis, cfg.categoryIndex);
  const reader = new CategoryIntentReader(env.client(), cfg.categoryIndex);
  afterAll(() => env.close());

  beforeAll(async () => {
    await writer.applyBatch(
      0,
      CATALOG.map(([id, title, path], i) => ({ offset: String(i), event: upsert(id, title, path, i) })),
    );
  });

  it('maps nothing before the index is first built', async () => {
    expect(await reader.categoriesOf('running shoes')).toEqual([]);
  });

  it('maps a search to the leaf category of the items it resembles, with that category’s typical items', async () => {
    expect(await refresher.rebuild()).toBe(2);
    const [best] = await reader.categoriesOf('running shoes for the trail', 3);
    expect(best?.category).toBe('c-17');
    expect([...(best?.exemplars ?? [])].sort()).toEqual(['s1', 's2', 's3']);
    expect((await reader.categoriesOf('green tea'))[0]?.category).toBe('c-42');
    expect(await reader.exemplarsOf('c-42')).toHaveLength(2);
  });

  it('maps unrelated text and categories too small to index to nothing', async () => {
    expect(await reader.categoriesOf('quantum chromodynamics')).toEqual([]);
    expect((await reader.categoriesOf('umbrella')).map((m) => m.category)).not.toContain('c-99');
  });

  it('swaps in a rebuilt index whole, leaving no build keys behind', async () => {
    await writer.applyBatch(0, [{ offset: '10', event: upsert('x2', 'folding umbrella', ['misc', 'c-99'], 10) }]);
    await refresher.rebuild();
    expect((await reader.categoriesOf('umbrella'))[0]?.category).toBe('c-99');
    const keys = await env.redis.keys(`${env.prefix}g:{catindex}:*`);
    expect(keys.map((k) => k.slice(env.prefix.length))).toEqual([RedisKeys.categoryIndex()]);
  });
});
