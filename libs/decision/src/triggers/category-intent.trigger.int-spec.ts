import type { CatalogEvent, ClickstreamEvent } from '@offerstream/contracts';
import {
  CatalogWriter,
  CategoryIndexRefresher,
  CategoryIntentReader,
  loadFeatureStoreConfig,
} from '@offerstream/feature-store';
import { RedisKeys } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { CategoryIntentSource } from '../features/category-intent.source';
import { InMemoryFeatureSource } from '../features/in-memory-feature.source';
import { UserCategoryIntent } from '../features/user-category-intent';
import type { CampaignLearning } from '../learning/campaign-stats';
import type { CartAbandonTrigger } from './cart-abandon.trigger';
import { CategoryBrowseTrigger } from './category-browse.trigger';
import { ClickstreamTriggers } from './clickstream.triggers';

const cfg = loadFeatureStoreConfig({ FS_CATEGORY_MIN_ITEMS: '2', FS_CATEGORY_EXEMPLARS: '2' });
const NOW = Date.UTC(2026, 11, 3, 9);
const envelope = { schemaVersion: '1.0', occurredAt: '2026-12-03T09:00:00Z', producer: 'test' };

const item = (itemId: string, title: string, leaf: string): CatalogEvent => ({
  ...envelope,
  eventId: `cat-${itemId}`,
  type: 'item_upsert',
  payload: {
    itemId,
    title,
    description: '',
    categoryPath: ['shop', leaf],
    price: 30,
    currency: 'EUR',
    stock: 9,
    tags: [],
  },
});
const search = (userId: string, query: string, n: number): ClickstreamEvent => ({
  ...envelope,
  eventId: `s-${userId}-${n}`,
  userId,
  type: 'search',
  payload: { query },
});
const view = (userId: string, itemId: string, leaf: string, n: number): ClickstreamEvent => ({
  ...envelope,
  eventId: `v-${userId}-${n}`,
  userId,
  type: 'product_view',
  payload: { itemId, categoryPath: ['shop', leaf] },
});

describe('the category-browse trigger reading search intent in the shop’s categories', () => {
  const env = isolatedRedis();
  const intent = new UserCategoryIntent(env.redis, new CategoryIntentReader(env.redis, cfg.categoryIndex), {
    windowMs: 3_600_000,
    max: 8,
  });
  // Search, review and view routes use neither carts nor learning.
  const triggers = (searchViews: number): ClickstreamTriggers =>
    new ClickstreamTriggers(
      {} as CartAbandonTrigger,
      new CategoryBrowseTrigger(env.redis, { views: 3, windowMs: 3_600_000, searchViews }, intent.categories),
      {} as CampaignLearning,
      undefined,
      intent,
    );
  afterAll(() => env.close());

  beforeAll(async () => {
    const catalog = [
      item('boot-1', 'leather hiking boots', 'k-311'),
      item('boot-2', 'waterproof hiking boots', 'k-311'),
      item('boot-3', 'winter boots', 'k-311'),
      item('pan-1', 'cast iron frying pan', 'k-502'),
      item('pan-2', 'nonstick frying pan', 'k-502'),
    ];
    await new CatalogWriter(env.redis, cfg).applyBatch(
      0,
      catalog.map((event, i) => ({ offset: String(i), event })),
    );
    await new CategoryIndexRefresher(env.redis, cfg.categoryIndex).rebuild();
  });

  it('fires on a search that maps to a category, seeded with that category’s typical items', async () => {
    const [r, ...rest] = await triggers(3).handle(search('u1', 'hiking boots', 1), NOW);
    expect(rest).toEqual([]);
    expect(r?.trigger).toBe('category_browse');
    expect(r?.triggerId).toBe('category_browse:u1:k-311:2026-12-03');
    expect(r?.seeds).toHaveLength(2);
    expect(r?.seeds.every((s) => s.itemId.startsWith('boot-'))).toBe(true);
  });

  it('adds a search to the views of the same category, and views then get the category’s items as candidates', async () => {
    const t = triggers(2);
    expect(await t.handle(search('u2', 'frying pan', 1), NOW)).toEqual([]);
    const [r] = await t.handle(view('u2', 'pan-9', 'k-502', 2), NOW);
    expect(r?.triggerId).toBe('category_browse:u2:k-502:2026-12-03');
    expect(r?.seeds.map((s) => s.itemId)).toEqual(['pan-9']);
    expect([...(r?.requested ?? [])].sort()).toEqual(['pan-1', 'pan-2']);
    // Once per crossing: more interest the same day does not fire again.
    expect(await t.handle(search('u2', 'frying pan', 3), NOW)).toEqual([]);
  });

  it('gives the user intent in shop category ids from searches and reviews, as the policy reads it', async () => {
    const t = triggers(3);
    await t.handle(search('u4', 'frying pan', 1), NOW);
    const review: ClickstreamEvent = {
      ...envelope,
      eventId: 'r-u4',
      userId: 'u4',
      type: 'review',
      payload: { itemId: 'boot-1', rating: 5, text: 'great hiking boots' },
    };
    await t.handle(review, NOW);
    const source = new CategoryIntentSource(new InMemoryFeatureSource(), intent);
    const user = await source.user('u4');
    expect(user?.intent).toEqual({ 'k-502': 0.5, 'k-311': 0.25 });
  });

  it('ignores a search that maps to no category', async () => {
    expect(await triggers(3).handle(search('u3', 'quantum chromodynamics', 1), NOW)).toEqual([]);
    expect(await env.redis.exists(RedisKeys.decision.userBrowse('u3'))).toBe(0);
    expect(await env.redis.exists(RedisKeys.decision.userCategoryIntent('u3'))).toBe(0);
  });
});
