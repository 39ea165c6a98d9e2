import type { ConsentPurpose } from '@offerstream/contracts';
import type { RedisClient } from '@offerstream/redis';
import { RedisKeys } from '@offerstream/redis';
import { decodeFloat16Vector } from '@offerstream/core';
import { decodeUserState, type ConsentRecord, type UserState } from './codec/user-state.codec';
import { defaultFeatureStoreConfig, priceBandLabel, type FeatureStoreConfig } from './feature-store.config';
import { decayFactor, forwardDecayToNow } from './rules/decay';
import { decodeSegmentModel, nearestCentroid, type SegmentModel } from './rules/kmeans';
import { normalizeInPlace } from './rules/vector-math';
import { ruleSegmentsOf } from './rules/rule-segment';
import { SegmentDefinitionStore } from './store/segment-definition.store';

/** What the decision service reads about a visitor; weights are decayed to the time of the read. */
export interface UserProfile {
  userId: string;
  /** Set when the id asked for was an anonymous id merged into this user. */
  resolvedFrom?: string;
  anonymous: boolean;
  updatedAt: number;
  firstSeenAt: number;
  eventCount: number;
  /** Decayed interest per category, brand and price band (label like "25-50"); negative means disliked. */
  categories: Record<string, number>;
  brands: Record<string, number>;
  priceBands: Record<string, number>;
  /** Items viewed or bought per price band, cheapest band first (one each, decayed with FS_PRICE_ITEMS_HALF_LIFE_H). */
  priceItems: number[];
  /** Decayed weighted mean of the content vectors of the items touched (unit-free, FS_VECTOR_DIMS long). */
  vector: Float32Array | null;
  /** Distinct items, most recent first. */
  recentItems: string[];
  session: { id: string; items: string[]; cart: { itemId: string; quantity: number }[]; lastActivityAt: number };
  rfm: { recencyDays: number | null; frequency: number; monetary: number };
  purchased: Set<string>;
  seen: Set<string>;
  /** Stable id (`c3`) of the nearest learned cluster, or null before the first segmentation / without a vector. */
  segment: string | null;
  /** Every segment the user is in now: the learned cluster and the rule segments the profile meets. */
  segments: string[];
  /** The latest consent choice per purpose; a purpose the user never stated is absent. */
  consent: Partial<Record<ConsentPurpose, ConsentRecord>>;
}

export interface ItemMeta {
  title: string;
  categoryPath: string[];
  brand?: string;
  price: number;
  currency: string;
  cost?: number;
  marginRate?: number;
  stock: number;
  updatedAt: number;
}

export interface Neighbour {
  itemId: string;
  score: number;
}

export interface ItemFeatures {
  itemId: string;
  meta: ItemMeta | null;
  /** Decayed interaction mass (FS_POPULARITY_HALF_LIFE_H) and short-horizon mass (FS_TRENDING_HALF_LIFE_H). */
  popularity: number;
  trending: number;
  /** Behavioural neighbours: cosine over decayed co-occurrence counts, best first. */
  neighbours: Neighbour[];
  /** Cosine of TF-IDF content vectors, best first. */
  contentNeighbours: Neighbour[];
  contentVector: Float32Array | null;
}

const SEP = '\u001f';
const MODEL_CACHE_MS = 30_000;

/** Read side of the feature store; cheap to construct, safe to share, never writes. */
export class FeatureStoreReader {
  private model: { at: number; value: SegmentModel | null } | undefined;
  private readonly definitions: SegmentDefinitionStore;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: FeatureStoreConfig = defaultFeatureStoreConfig(),
    private readonly now: () => number = Date.now,
  ) {
    this.definitions = new SegmentDefinitionStore(redis, 5_000, now);
  }

  /** The raw stored state (for tests and operators); follows no alias. */
  async getUserState(userId: string): Promise<UserState | null> {
    const blob = await this.redis.getBuffer(RedisKeys.user.profile(userId));
    return blob ? decodeUserState(blob) : null;
  }

  async getUser(userId: string): Promise<UserProfile | null> {
    const [alias, blob] = await Promise.all([
      this.redis.get(RedisKeys.alias(userId)),
      this.redis.getBuffer(RedisKeys.user.profile(userId)),
    ]);
    let state: UserState | null = null;
    let id = userId;
    if (alias !== null && alias !== userId) {
      const merged = await this.redis.getBuffer(RedisKeys.user.profile(alias));
      if (merged) {
        state = decodeUserState(merged);
        id = alias;
      }
    }
    if (!state && blob) state = decodeUserState(blob);
    if (!state) return null;
    const [model, rules] = await Promise.all([this.getSegmentModel(), this.definitions.rules()]);
    const now = this.now();
    const profile = toUserProfile(id, state, this.config, now, model);
    // Rule segments are evaluated on every read, from the profile as it is now.
    profile.segments.push(...ruleSegmentsOf(profile, rules, now));
    if (id !== userId) profile.resolvedFrom = userId;
    return profile;
  }

  async getItems(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const k = this.config.neighboursK;
    const rows = await Promise.all(
      itemIds.map(async (itemId) => {
        const [meta, pop, trend, nbr, cnbr, cvec] = await Promise.all([
          this.redis.hgetall(RedisKeys.item.meta(itemId)),
          this.redis.zscore(RedisKeys.popularity(), itemId),
          this.redis.zscore(RedisKeys.trending(), itemId),
          this.redis.zrevrange(RedisKeys.item.neighbours(itemId), 0, k - 1, 'WITHSCORES'),
          this.redis.zrevrange(RedisKeys.item.contentNeighbours(itemId), 0, k - 1, 'WITHSCORES'),
          this.redis.getBuffer(RedisKeys.item.contentVector(itemId)),
        ]);
        const features: ItemFeatures = {
          itemId,
          meta: parseItemMeta(meta),
          popularity: pop === null ? 0 : this.decayed(Number(pop), this.config.popularityHalfLifeMs),
          trending: trend === null ? 0 : this.decayed(Number(trend), this.config.trendingHalfLifeMs),
          neighbours: pairs(nbr),
          contentNeighbours: pairs(cnbr),
          contentVector: cvec ? decodeFloat16Vector(cvec) : null,
        };
        const known = features.meta !== null || pop !== null || features.neighbours.length > 0;
        return known ? features : null;
      }),
    );
    const out = new Map<string, ItemFeatures>();
    for (const f of rows) if (f) out.set(f.itemId, f);
    return out;
  }

  async getNeighbours(itemId: string, k: number): Promise<Neighbour[]> {
    return pairs(await this.redis.zrevrange(RedisKeys.item.neighbours(itemId), 0, Math.max(0, k - 1), 'WITHSCORES'));
  }

  async getContentNeighbours(itemId: string, k: number): Promise<Neighbour[]> {
    return pairs(
      await this.redis.zrevrange(RedisKeys.item.contentNeighbours(itemId), 0, Math.max(0, k - 1), 'WITHSCORES'),
    );
  }

  async getTrending(k: number): Promise<Neighbour[]> {
    const raw = pairs(await this.redis.zrevrange(RedisKeys.trending(), 0, Math.max(0, k - 1), 'WITHSCORES'));
    return raw.map((p) => ({ itemId: p.itemId, score: this.decayed(p.score, this.config.trendingHalfLifeMs) }));
  }

  async getPopular(k: number): Promise<Neighbour[]> {
    const raw = pairs(await this.redis.zrevrange(RedisKeys.popularity(), 0, Math.max(0, k - 1), 'WITHSCORES'));
    return raw.map((p) => ({ itemId: p.itemId, score: this.decayed(p.score, this.config.popularityHalfLifeMs) }));
  }

  /** The latest user segmentation (centroids), cached for 30 s unless `fresh` (an operator's view). */
  async getSegmentModel(fresh = false): Promise<SegmentModel | null> {
    const now = this.now();
    if (!fresh && this.model && now - this.model.at < MODEL_CACHE_MS) return this.model.value;
    const raw = await this.redis.hgetallBuffer(RedisKeys.segments());
    const value = Object.keys(raw).length > 0 ? decodeSegmentModel(raw) : null;
    this.model = { at: now, value };
    return value;
  }

  private decayed(score: number, halfLifeMs: number): number {
    return forwardDecayToNow(score, this.now(), this.config.decayEpochMs, halfLifeMs);
  }
}

export function toUserProfile(
  userId: string,
  s: UserState,
  config: FeatureStoreConfig,
  now: number,
  model: SegmentModel | null,
): UserProfile {
  const asOf = Math.max(now, s.updatedAt);
  const f = decayFactor(asOf - s.updatedAt, config.interestHalfLifeMs);
  const scale = (m: Map<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of m) out[k] = v * f;
    return out;
  };
  const segment =
    model && s.vector && s.vector.length === model.dims
      ? (model.ids[nearestCentroid(model, normalizeInPlace(Float32Array.from(s.vector)))] ?? null)
      : null;
  const priceBands: Record<string, number> = {};
  s.priceBands.forEach((v, i) => {
    if (v !== 0) priceBands[priceBandLabel(config.priceBands, i)] = v * f;
  });
  const fi = decayFactor(asOf - s.updatedAt, config.priceItemsHalfLifeMs);
  const priceItems = s.priceItems.map((v) => v * fi);
  return {
    userId,
    anonymous: s.anonymous,
    updatedAt: s.updatedAt,
    firstSeenAt: s.firstSeenAt,
    eventCount: s.eventCount,
    categories: scale(s.categories),
    brands: scale(s.brands),
    priceBands,
    priceItems,
    vector: s.vector,
    recentItems: s.history.slice(0, config.recentMax),
    session: {
      id: s.session.id,
      items: [...s.session.items],
      cart: s.session.cart.map(([itemId, quantity]) => ({ itemId, quantity })),
      lastActivityAt: s.session.lastActivityAt,
    },
    rfm: {
      recencyDays: s.rfm.lastPurchaseAt > 0 ? Math.max(0, (asOf - s.rfm.lastPurchaseAt) / 86_400_000) : null,
      frequency: s.rfm.frequency,
      monetary: s.rfm.monetary,
    },
    purchased: new Set(s.purchased),
    seen: new Set(s.history),
    consent: Object.fromEntries([...s.consent].map(([p, c]) => [p, { ...c }])),
    segment,
    segments: segment === null ? [] : [segment],
  };
}

export function parseItemMeta(h: Record<string, string>): ItemMeta | null {
  if (h['title'] === undefined) return null;
  const num = (k: string): number | undefined => (h[k] === undefined || h[k] === '' ? undefined : Number(h[k]));
  const meta: ItemMeta = {
    title: h['title'],
    categoryPath: h['cat'] ? h['cat'].split(SEP) : [],
    price: num('price') ?? 0,
    currency: h['cur'] ?? 'EUR',
    stock: num('stock') ?? 0,
    updatedAt: num('at') ?? 0,
  };
  if (h['brand']) meta.brand = h['brand'];
  const cost = num('cost');
  if (cost !== undefined) meta.cost = cost;
  const margin = num('margin');
  if (margin !== undefined) meta.marginRate = margin;
  return meta;
}

export const CATEGORY_SEPARATOR = SEP;

function pairs(flat: string[]): Neighbour[] {
  const out: Neighbour[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ itemId: flat[i] ?? '', score: Number(flat[i + 1]) });
  return out;
}
