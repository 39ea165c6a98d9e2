import { z } from 'zod';
import { envField, loadEnvConfig } from '@offerstream/core';
import { CLICKSTREAM_EVENT_TYPES, type ClickstreamEventType } from '@offerstream/contracts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const priceBands = z
  .string()
  .default('10,25,50,100,250,500')
  .transform((s) => s.split(',').map((x) => Number(x.trim())))
  .pipe(
    z
      .array(z.number().finite().positive())
      .min(1)
      .max(16)
      .refine((a) => a.every((v, i) => i === 0 || v > (a[i - 1] ?? 0)), 'must be increasing numbers'),
  );

const DEFAULT_WEIGHTS =
  'product_view=1,add_to_cart=3,remove_from_cart=-1,checkout=0,purchase=5,review=3,search=0,page_view=0';
const eventWeights = z
  .string()
  .default(DEFAULT_WEIGHTS)
  .transform((s, ctx) => {
    const out: Partial<Record<ClickstreamEventType, number>> = {};
    for (const part of s.split(',')) {
      const [k, v] = part.split('=').map((x) => x.trim());
      const w = Number(v);
      if (!k || !(CLICKSTREAM_EVENT_TYPES as readonly string[]).includes(k) || v === undefined || !Number.isFinite(w)) {
        ctx.addIssue({ code: 'custom', message: `bad entry "${part}": want <event type>=<number>` });
        return z.NEVER;
      }
      out[k as ClickstreamEventType] = w;
    }
    return out;
  });

export const CONSENT_POLICIES = ['opt-in', 'opt-out'] as const;
export type ConsentPolicy = (typeof CONSENT_POLICIES)[number];

/** Every tunable of the feature store, as environment variables validated at boot (a bad value names itself). */
export const featureStoreEnvShape = {
  FS_INTEREST_HALF_LIFE_H: envField.num(168, 0.01, 1e5),
  /** Half-life of the items counted per price band: a shopper's price level moves slower than their interests. */
  FS_PRICE_ITEMS_HALF_LIFE_H: envField.num(2160, 0.01, 1e6),
  FS_POPULARITY_HALF_LIFE_H: envField.num(720, 0.01, 1e5),
  FS_TRENDING_HALF_LIFE_H: envField.num(24, 0.01, 1e5),
  FS_COOC_HALF_LIFE_H: envField.num(720, 0.01, 1e5),
  /** Landmark of forward decay: scores are stored as w * 2^((t - epoch) / halfLife), so sums never need rescans. */
  FS_DECAY_EPOCH: z.iso.datetime({ offset: true }).default('2026-01-01T00:00:00Z'),
  FS_VECTOR_DIMS: envField.int(64, 4, 512),
  FS_RECENT_MAX: envField.int(20, 1, 1000),
  FS_SEEN_MAX: envField.int(100, 1, 10_000),
  FS_PURCHASED_MAX: envField.int(50, 1, 10_000),
  FS_SESSION_ITEMS_MAX: envField.int(20, 1, 1000),
  FS_CART_MAX: envField.int(50, 1, 1000),
  FS_CATEGORIES_MAX: envField.int(16, 1, 1000),
  FS_BRANDS_MAX: envField.int(8, 1, 1000),
  FS_MERGED_IDS_MAX: envField.int(8, 1, 100),
  FS_SESSION_GAP_MIN: envField.num(30, 1, 24 * 60),
  FS_NEIGHBOURS_K: envField.int(20, 1, 500),
  FS_COOC_MAX: envField.int(100, 1, 10_000),
  FS_COOC_WINDOW: envField.int(2, 1, 50),
  FS_USER_TTL_DAYS: envField.num(90, 0.001, 3650),
  FS_ANON_TTL_DAYS: envField.num(7, 0.001, 3650),
  FS_OUT_OF_ORDER_TOLERANCE_S: envField.int(300, 0, 86_400),
  FS_MAX_EVENT_BYTES: envField.int(64 * 1024, 256, 256 * 1024),
  FS_PRICE_BANDS: priceBands,
  FS_EVENT_WEIGHTS: eventWeights,
  FS_SEGMENT_K: envField.int(8, 2, 256),
  FS_SEGMENT_INTERVAL_S: envField.int(600, 1, 86_400),
  FS_SEGMENT_SAMPLE: envField.int(5000, 10, 1_000_000),
  FS_NEIGHBOUR_REFRESH_MS: envField.int(2000, 50, 3_600_000),
  FS_ITEM_CACHE_SIZE: envField.int(200_000, 0, 10_000_000),
  FS_ITEM_CACHE_TTL_S: envField.int(60, 0, 86_400),
  /**
   * opt-in: a purpose the user never granted counts as refused (GDPR/ePrivacy marketing); opt-out: only an explicit
   * withdrawal refuses (where the law allows marketing to existing customers until they object).
   */
  FS_CONSENT_POLICY: z.enum(CONSENT_POLICIES).default('opt-out'),
  /** How long an erased user's late events are dropped: longer than any topic's retention plus consumer lag. */
  FS_ERASURE_TOMBSTONE_DAYS: envField.num(30, 1, 3650),
  /**
   * Nearest-user index over the user vectors (random-hyperplane LSH, kept by the stream processor's writer): hash
   * tables (0 turns the index and the decision service's user-kNN candidates off), bits per table, the seed of the
   * hyperplanes, users kept per bucket (the most recently updated), users read per bucket at query time, and the
   * nearest users whose recent items become candidates. Off by default: on Gowalla, neighbours by the user vectors
   * ranked below item-kNN (docs/benchmarks.md, "User-based CF"), and 8 tables cost the stream processor 15% of its
   * throughput and ~480 bytes per user, past issue 3's 1 KiB per user.
   */
  FS_USER_INDEX_TABLES: envField.int(0, 0, 64),
  FS_USER_INDEX_BITS: envField.int(12, 1, 24),
  FS_USER_INDEX_SEED: envField.int(1, 1, 2 ** 31 - 1),
  FS_USER_INDEX_BUCKET_MAX: envField.int(1000, 1, 1_000_000),
  FS_USER_INDEX_PROBE: envField.int(16, 1, 1000),
  FS_USER_NEIGHBOURS: envField.int(20, 1, 1000),
  /**
   * Intent in the shop's own categories: the category index (nearest TF-IDF centroid of each leaf category's item
   * titles) is rebuilt this often by the stream processor; categories need this many items; each centroid keeps its
   * heaviest terms and its most typical items; a text maps to a category from this cosine up (chosen by
   * cross-validation on a labelled catalog: docs/benchmarks.md, "Intent in the shop's categories").
   */
  FS_CATEGORY_INDEX_REFRESH_S: envField.int(300, 1, 86_400),
  FS_CATEGORY_MIN_ITEMS: envField.int(3, 1, 1_000_000),
  FS_CATEGORY_TERMS: envField.int(8000, 10, 100_000),
  FS_CATEGORY_EXEMPLARS: envField.int(20, 0, 1000),
  FS_CATEGORY_MIN_SIMILARITY: envField.num(0.02, 0, 1),
};

export interface UserIndexConfig {
  tables: number;
  bits: number;
  seed: number;
  bucketMax: number;
  probe: number;
  neighbours: number;
}

export interface CategoryIndexConfig {
  refreshMs: number;
  minItems: number;
  termsPerCategory: number;
  exemplars: number;
  minSimilarity: number;
}

export interface FeatureStoreConfig {
  interestHalfLifeMs: number;
  priceItemsHalfLifeMs: number;
  popularityHalfLifeMs: number;
  trendingHalfLifeMs: number;
  coocHalfLifeMs: number;
  decayEpochMs: number;
  vectorDims: number;
  recentMax: number;
  seenMax: number;
  purchasedMax: number;
  sessionItemsMax: number;
  cartMax: number;
  categoriesMax: number;
  brandsMax: number;
  mergedIdsMax: number;
  sessionGapMs: number;
  neighboursK: number;
  coocMax: number;
  coocWindow: number;
  userTtlMs: number;
  anonTtlMs: number;
  outOfOrderToleranceMs: number;
  maxEventBytes: number;
  priceBands: number[];
  eventWeights: Partial<Record<ClickstreamEventType, number>>;
  segmentK: number;
  segmentIntervalMs: number;
  segmentSample: number;
  neighbourRefreshMs: number;
  itemCacheSize: number;
  itemCacheTtlMs: number;
  consentPolicy: ConsentPolicy;
  erasureTombstoneTtlMs: number;
  userIndex: UserIndexConfig;
  categoryIndex: CategoryIndexConfig;
}

export function loadFeatureStoreConfig(env: NodeJS.ProcessEnv = process.env): FeatureStoreConfig {
  const e = loadEnvConfig(featureStoreEnvShape, env);
  return {
    interestHalfLifeMs: e.FS_INTEREST_HALF_LIFE_H * HOUR_MS,
    priceItemsHalfLifeMs: e.FS_PRICE_ITEMS_HALF_LIFE_H * HOUR_MS,
    popularityHalfLifeMs: e.FS_POPULARITY_HALF_LIFE_H * HOUR_MS,
    trendingHalfLifeMs: e.FS_TRENDING_HALF_LIFE_H * HOUR_MS,
    coocHalfLifeMs: e.FS_COOC_HALF_LIFE_H * HOUR_MS,
    decayEpochMs: Date.parse(e.FS_DECAY_EPOCH),
    vectorDims: e.FS_VECTOR_DIMS,
    recentMax: e.FS_RECENT_MAX,
    seenMax: Math.max(e.FS_SEEN_MAX, e.FS_RECENT_MAX),
    purchasedMax: e.FS_PURCHASED_MAX,
    sessionItemsMax: e.FS_SESSION_ITEMS_MAX,
    cartMax: e.FS_CART_MAX,
    categoriesMax: e.FS_CATEGORIES_MAX,
    brandsMax: e.FS_BRANDS_MAX,
    mergedIdsMax: e.FS_MERGED_IDS_MAX,
    sessionGapMs: e.FS_SESSION_GAP_MIN * 60_000,
    neighboursK: e.FS_NEIGHBOURS_K,
    coocMax: e.FS_COOC_MAX,
    coocWindow: e.FS_COOC_WINDOW,
    userTtlMs: Math.round(e.FS_USER_TTL_DAYS * DAY_MS),
    anonTtlMs: Math.round(e.FS_ANON_TTL_DAYS * DAY_MS),
    outOfOrderToleranceMs: e.FS_OUT_OF_ORDER_TOLERANCE_S * 1000,
    maxEventBytes: e.FS_MAX_EVENT_BYTES,
    priceBands: e.FS_PRICE_BANDS,
    eventWeights: e.FS_EVENT_WEIGHTS,
    segmentK: e.FS_SEGMENT_K,
    segmentIntervalMs: e.FS_SEGMENT_INTERVAL_S * 1000,
    segmentSample: e.FS_SEGMENT_SAMPLE,
    neighbourRefreshMs: e.FS_NEIGHBOUR_REFRESH_MS,
    itemCacheSize: e.FS_ITEM_CACHE_SIZE,
    itemCacheTtlMs: e.FS_ITEM_CACHE_TTL_S * 1000,
    consentPolicy: e.FS_CONSENT_POLICY,
    erasureTombstoneTtlMs: Math.round(e.FS_ERASURE_TOMBSTONE_DAYS * DAY_MS),
    userIndex: {
      tables: e.FS_USER_INDEX_TABLES,
      bits: e.FS_USER_INDEX_BITS,
      seed: e.FS_USER_INDEX_SEED,
      bucketMax: e.FS_USER_INDEX_BUCKET_MAX,
      probe: e.FS_USER_INDEX_PROBE,
      neighbours: e.FS_USER_NEIGHBOURS,
    },
    categoryIndex: {
      refreshMs: e.FS_CATEGORY_INDEX_REFRESH_S * 1000,
      minItems: e.FS_CATEGORY_MIN_ITEMS,
      termsPerCategory: e.FS_CATEGORY_TERMS,
      exemplars: e.FS_CATEGORY_EXEMPLARS,
      minSimilarity: e.FS_CATEGORY_MIN_SIMILARITY,
    },
  };
}

/** Defaults without reading the environment (tests, the reader in other services). */
export const defaultFeatureStoreConfig = (): FeatureStoreConfig => loadFeatureStoreConfig({});

export const priceBandLabel = (bands: readonly number[], index: number): string => {
  const lo = index === 0 ? 0 : bands[index - 1];
  const hi = bands[index];
  return hi === undefined ? `${lo}+` : `${lo}-${hi}`;
};
