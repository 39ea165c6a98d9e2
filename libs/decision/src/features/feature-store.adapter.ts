import {
  forwardDecayToNow,
  parseItemMeta,
  type FeatureStoreConfig,
  type FeatureStoreReader,
  type ItemFeatures as StoreItem,
  type UserProfile,
} from '@offerstream/feature-store';
import { CONSENT_PURPOSES } from '@offerstream/contracts';
import { decodeFloat16Vector } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { personalizationAllowed } from '../campaign/consent-gate';
import type { ConsentView, FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';
import { mergeLists } from './in-memory-feature.source';

const WITHDRAWN_ALL: ConsentView['granted'] = Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, false]));

/**
 * The feature store's read API seen through the decision engine's port. Items are read leaner than
 * `getItems` (which also fetches neighbour lists and content vectors for each item): only the catalogue hash
 * and the popularity score, parsed and decayed with the feature store's own functions, because a decision
 * scores 100 candidates and needs nothing else of them.
 */
export class FeatureStoreAdapter implements FeatureSource {
  readonly name = 'feature-store@1';

  constructor(
    private readonly reader: FeatureStoreReader,
    private readonly redis?: RedisClient,
    private readonly config?: FeatureStoreConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The profile with its consent (one read: consent lives in the profile blob). Under opt-in a user the store has
   * never seen, or whose profile cannot be read, still gets a consent view that grants nothing, so eligibility
   * refuses marketing instead of deciding as a cold start. An erased user (tombstone alive, read alongside the
   * profile in the same round trip) counts as having withdrawn every purpose: no offer, and no state written for them.
   */
  async user(userId: string): Promise<UserFeatures | undefined> {
    const policy = this.config?.consentPolicy ?? 'opt-out';
    const [p, erased] = await Promise.all([
      policy === 'opt-out' ? this.reader.getUser(userId) : this.reader.getUser(userId).catch(() => null),
      this.redis ? this.redis.exists(RedisKeys.user.erased(userId)) : 0,
    ]);
    if (erased === 1) return { userId, consent: { policy, granted: WITHDRAWN_ALL } };
    if (p) return toUserFeatures(p, policy);
    return policy === 'opt-out' ? undefined : { userId, consent: { policy, granted: {} } };
  }

  async items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    if (this.redis && this.config) return this.leanItems(this.redis, this.config, itemIds);
    const raw = await this.reader.getItems(itemIds);
    const out = new Map<string, ItemFeatures>();
    for (const [id, f] of raw) out.set(id, toItemFeatures(f));
    return out;
  }

  private async leanItems(
    redis: RedisClient,
    config: FeatureStoreConfig,
    itemIds: readonly string[],
  ): Promise<Map<string, ItemFeatures>> {
    if (itemIds.length === 0) return new Map();
    // Popularity is one sorted set: one ZMSCORE for every item instead of a ZSCORE each (the item cache refreshes
    // every item it serves each ITEM_CACHE_MS, so this read runs for thousands of items a second).
    const [rows, pops] = await Promise.all([
      Promise.all(
        itemIds.map((id) =>
          Promise.all([
            redis.hgetall(RedisKeys.item.meta(id)),
            // The content vector (128 bytes at 64 dims) for the user-vector similarity feature.
            redis.getBuffer(RedisKeys.item.contentVector(id)),
          ]),
        ),
      ),
      redis.zmscore(RedisKeys.popularity(), ...itemIds),
    ]);
    const now = this.now();
    const out = new Map<string, ItemFeatures>();
    itemIds.forEach((itemId, i) => {
      const [h, cvec] = rows[i] ?? [{}, null];
      const pop = pops[i] ?? null;
      const meta = parseItemMeta(h);
      if (!meta && pop === null) return;
      const popularity =
        pop === null ? 0 : forwardDecayToNow(Number(pop), now, config.decayEpochMs, config.popularityHalfLifeMs);
      out.set(
        itemId,
        toItemFeatures({
          itemId,
          meta,
          popularity,
          trending: 0,
          neighbours: [],
          contentNeighbours: [],
          contentVector: cvec ? decodeFloat16Vector(cvec) : null,
        }),
      );
    });
    return out;
  }

  async neighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return mergeLists(await Promise.all(itemIds.map((id) => this.reader.getNeighbours(id, k))), k);
  }

  async contentNeighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return mergeLists(await Promise.all(itemIds.map((id) => this.reader.getContentNeighbours(id, k))), k);
  }

  async trending(k: number): Promise<ScoredItem[]> {
    return this.reader.getTrending(k);
  }
}

/**
 * Affinities are decayed masses of any size; the engine wants [0, 1], so they are scaled by the largest. A user who
 * refused personalization gets only their consent: no history, interests or segment reach the decision.
 */
export function toUserFeatures(p: UserProfile, policy: ConsentView['policy'] = 'opt-out'): UserFeatures {
  const granted: Partial<Record<keyof UserProfile['consent'], boolean>> = {};
  for (const [purpose, c] of Object.entries(p.consent)) granted[purpose as keyof UserProfile['consent']] = c.granted;
  const consent: ConsentView = { policy, granted };
  const bare: UserFeatures = { userId: p.userId, consent };
  if (!personalizationAllowed(bare)) return bare;
  const positive = Object.values(p.categories).filter((v) => v > 0);
  const max = positive.length > 0 ? Math.max(...positive) : 0;
  const categoryAffinity: Record<string, number> = {};
  if (max > 0) for (const [c, v] of Object.entries(p.categories)) categoryAffinity[c] = Math.max(0, v) / max;
  return {
    userId: p.userId,
    ...(max > 0 ? { categoryAffinity } : {}),
    session: { views: p.session.items.length, cartAdds: p.session.cart.length, searches: 0 },
    ...(p.rfm.frequency > 0 || p.rfm.recencyDays !== null
      ? { rfm: { recencyDays: p.rfm.recencyDays ?? 365, frequency: p.rfm.frequency, monetary: p.rfm.monetary } }
      : {}),
    ...(p.segment !== null ? { segment: p.segment } : {}),
    segments: p.segments,
    ...priceBand(p.priceBands),
    ...bandItems(p.priceItems),
    recentItems: p.recentItems.slice(0, 20),
    purchasedItems: [...p.purchased],
    consent,
    ...(p.vector ? { vector: p.vector } : {}),
  };
}

/** Price band labels look like "25-50" (or "500+"); the weighted midpoint and spread summarise them. */
function priceBand(bands: Record<string, number>): Pick<UserFeatures, 'priceBand'> {
  let w = 0;
  let s = 0;
  let s2 = 0;
  for (const [label, weight] of Object.entries(bands)) {
    if (!(weight > 0)) continue;
    const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?)|\+)?$/.exec(label);
    if (!m?.[1]) continue;
    const lo = Number(m[1]);
    const mid = m[2] !== undefined ? (lo + Number(m[2])) / 2 : lo * 1.25;
    w += weight;
    s += weight * mid;
    s2 += weight * mid * mid;
  }
  if (!(w > 0)) return {};
  const mean = s / w;
  return { priceBand: { median: mean, spread: Math.sqrt(Math.max(0, s2 / w - mean * mean)) || mean * 0.25 } };
}

function bandItems(items: readonly number[]): Pick<UserFeatures, 'priceBandItems'> {
  return items.some((v) => v > 0) ? { priceBandItems: items.map((v) => Math.max(0, v)) } : {};
}

export function toItemFeatures(f: StoreItem): ItemFeatures {
  const m = f.meta;
  const marginRate = m?.marginRate ?? (m?.cost !== undefined && m.price > 0 ? (m.price - m.cost) / m.price : undefined);
  return {
    itemId: f.itemId,
    ...(m ? { price: m.price, stock: m.stock, categoryPath: m.categoryPath } : {}),
    ...(marginRate !== undefined ? { marginRate } : {}),
    popularity: f.popularity / (f.popularity + 10),
    ...(f.contentVector ? { vector: f.contentVector } : {}),
  };
}
