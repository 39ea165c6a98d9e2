import type { ConsentPurpose } from '@offerstream/contracts';

/** The user's consent as the feature store keeps it, with the policy that reads it (see campaign/consent-gate). */
export interface ConsentView {
  readonly policy: 'opt-in' | 'opt-out';
  /** Latest choice per purpose: true granted, false withdrawn, absent never stated. */
  readonly granted: Readonly<Partial<Record<ConsentPurpose, boolean>>>;
}

/**
 * What the decision engine reads about users and items. The feature store implements it; until then (and in
 * tests and benchmarks) an in-memory source does. Every field may be missing: a cold-start user has none of
 * them, and the engine must still decide well.
 */
export interface UserFeatures {
  readonly userId: string;
  /** Category -> affinity in [0, 1] from the user's history. */
  readonly categoryAffinity?: Readonly<Record<string, number>>;
  readonly session?: { readonly views: number; readonly cartAdds: number; readonly searches: number };
  readonly rfm?: { readonly recencyDays: number; readonly frequency: number; readonly monetary: number };
  /** Stable id of the user's learned cluster (`c3`); the propensity model's segment feature reads it. */
  readonly segment?: string;
  /** Every segment the user is in now (cluster and rule segments); campaign eligibility reads it. */
  readonly segments?: readonly string[];
  /** Category -> probability of the user's current intent (from the NLP worker). */
  readonly intent?: Readonly<Record<string, number>>;
  /** Typical price the user pays (e.g. median of purchases) and its spread. */
  readonly priceBand?: { readonly median: number; readonly spread: number };
  /** Items the user viewed or bought in each price band (decayed), cheapest band first (the store's bands). */
  readonly priceBandItems?: readonly number[];
  readonly recentItems?: readonly string[];
  /** Items bought recently; never offered again right away. */
  readonly purchasedItems?: readonly string[];
  /** Consent per purpose, read with the profile (no extra round trip); checked by campaign eligibility. */
  readonly consent?: ConsentView;
  /** The incremental user vector (decayed mean of the content vectors of the items touched). */
  readonly vector?: Float32Array;
}

export interface ItemFeatures {
  readonly itemId: string;
  readonly price?: number;
  /** Gross margin as a share of price. */
  readonly marginRate?: number;
  readonly stock?: number;
  readonly categoryPath?: readonly string[];
  /** Share of positive review sentiment in [0, 1]. */
  readonly sentiment?: number;
  /** Popularity in [0, 1] relative to the catalogue. */
  readonly popularity?: number;
  /** Content vector (same space as the user vector). */
  readonly vector?: Float32Array;
}

export interface ScoredItem {
  readonly itemId: string;
  readonly score: number;
}

export interface FeatureSource {
  /** Name and version written into the offer's model versions. */
  readonly name: string;
  user(userId: string): Promise<UserFeatures | undefined>;
  items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>>;
  /** Item-item neighbours (co-occurrence / collaborative) of the seed items. */
  neighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]>;
  /** Content-similar items (text/category) of the seed items. */
  contentNeighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]>;
  trending(k: number): Promise<ScoredItem[]>;
}

/** Optional graph-model candidates (GNN worker); absent or failing sources are simply skipped. */
export interface CandidateSource {
  readonly name: string;
  candidates(userId: string, k: number): Promise<ScoredItem[]>;
}
