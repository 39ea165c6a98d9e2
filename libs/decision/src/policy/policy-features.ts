import type { RangedFeatureSpec } from '@offerstream/uplift';
import type { UserFeatures } from '../features/feature-source.port';
import type { OfferTarget } from './offer-actions';
import { PROPENSITY_FEATURES, type FeatureVector } from './propensity.model';

/**
 * How much of the shopper's browsing and buying fell in each of the feature store's price bands, cheapest first (the
 * default store has seven bands; a store with more folds the rest into the last slot).
 */
const PRICE_BAND_SLOTS = [
  'priceBand:0',
  'priceBand:1',
  'priceBand:2',
  'priceBand:3',
  'priceBand:4',
  'priceBand:5',
  'priceBand:6',
  'priceBand:7',
] as const;

/**
 * Inputs of the incremental-profit model, in order. The propensity model's bounded signals plus the raw behaviour
 * that tells how a user responds to offers (how much they look before carting, how often they cart, what they
 * paid before) and what is at stake (price and margin of what the offer applies to). Logged on every decision, so
 * the model is trained on exactly what it is served.
 */
export const POLICY_FEATURES = [
  ...PROPENSITY_FEATURES,
  'baseProbability',
  'sessionViews',
  'sessionCartAdds',
  'cartRate',
  'sessionSearches',
  'returning',
  'logPrice',
  'marginRate',
  'priceLevel',
  ...binNames('views', [1, 3, 6, 11]),
  ...binNames('cartAdds', [1, 2]),
  ...binNames('purchases', [1, 2, 4]),
  ...binNames('recencyDays', [15, 61, 181]),
  ...PRICE_BAND_SLOTS,
] as const;
export const POLICY_FEATURES_VERSION = `pf${POLICY_FEATURES.length}-v4`;

const rangesOf = (prefix: string): number[] =>
  POLICY_FEATURES.flatMap((f, i) => (f.startsWith(`${prefix}:`) ? [i] : []));

/**
 * Every range of views in the session crossed with every range of past purchases (PROFIT_INTERACTIONS): how much a
 * shopper looks and how often they bought before, together, tell who an offer moves better than either adds up to
 * (a few views and a long history: a regular who buys anyway, or one an offer puts off).
 */
export const POLICY_INTERACTIONS: readonly (readonly [number, number])[] = rangesOf('views').flatMap((v) =>
  rangesOf('purchases').map((p) => [v, p] as const),
);

/**
 * The fixed range groups behaviour segments are learned from (PROFIT_SEGMENTS): cart adds in the session. The other
 * behaviours enter the segments through POLICY_RANGED_FEATURES, in finer ranges than the fixed bins above.
 */
export const POLICY_SEGMENT_GROUPS: readonly (readonly number[])[] = ['cartAdds'].map(rangesOf);

/**
 * Groups whose features are weights, not one-hot ranges (PROFIT_SEGMENTS' counted groups): the price bands of the
 * items the shopper touched. A kind of shopper draws each item near its own price level, so every item touched is one
 * more draw from the kind's distribution over bands; the price level (their mean) is not independent of how many
 * items it averages, which the segments' conditional independence assumed (docs/benchmarks.md).
 */
export const POLICY_SEGMENT_COUNT_GROUPS: readonly (readonly number[])[] = ['priceBand'].map(rangesOf);

/**
 * Behaviours cut into ranges at their quantiles over the training decisions (PROFIT_SEGMENTS), each one more group of
 * ranges for the segments and the range offsets: views in the session, past purchases (frequency) and how recent the
 * last one was. A kind of shopper shows in the exact number of views or purchases
 * (two views, not "one to two"), and the fixed bins above are too coarse to tell neighbouring kinds apart: naive Bayes
 * with the kinds' labels reaches 0.66 → 0.74 of the oracle on one simulated market and 0.59 → 0.70 on another with
 * these ranges instead of the bins (docs/benchmarks.md). Counts have few distinct values, so they get at most one
 * range each. The price level is not among them: its ranges (a mean over items) cost the segments the kinds, and the
 * items per price band (POLICY_SEGMENT_COUNT_GROUPS) say the same without that.
 * Recency is 0 exactly when the shopper never bought, which past purchases already say: it is absent there
 * (`absentAtZero`), or the segments count "never bought" twice and part kinds into buyers and non-buyers instead of
 * by how they answer offers (replayed on four simulated markets' logs: 0.33–0.51 → 0.47–0.57 of the oracle,
 * docs/benchmarks.md).
 */
export const POLICY_RANGED_FEATURES: readonly RangedFeatureSpec[] = [
  { feature: POLICY_FEATURES.indexOf('sessionViews'), ranges: 14 },
  { feature: POLICY_FEATURES.indexOf('frequency'), ranges: 10 },
  { feature: POLICY_FEATURES.indexOf('recency'), ranges: 8, absentAtZero: true },
];

/**
 * Behaviour does not act on offers monotonically: a shopper who looks a lot may be weighing a price or may never
 * buy. The counts therefore also enter as indicators of fixed ranges (shop-independent round numbers), so the
 * per-action linear model can learn a different effect per range instead of one slope.
 */
function binNames<P extends string>(name: P, edges: readonly number[]): `${P}:${number}`[] {
  return [0, ...edges].map((lo) => `${name}:${lo}` as const);
}

function bins(value: number, edges: readonly number[]): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  let i = 0;
  while (i < edges.length && value >= (edges[i] as number)) i++;
  out[i] = 1;
  return out;
}

export function policyFeatures(x: FeatureVector, target: OfferTarget, user: UserFeatures | undefined): number[] {
  const s = user?.session;
  const views = s?.views ?? 0;
  const adds = s?.cartAdds ?? 0;
  const level = user?.priceBand?.median ?? 0;
  const out = PROPENSITY_FEATURES.map((f) => x[f]);
  out.push(
    target.baseProbability,
    Math.log1p(views),
    Math.log1p(adds),
    adds / (views + adds + 1),
    Math.log1p(s?.searches ?? 0),
    (user?.rfm?.frequency ?? 0) > 0 ? 1 : 0,
    Math.log1p(Math.max(0, target.price)),
    target.price > 0 ? Math.max(-1, Math.min(1, target.margin / target.price)) : 0,
    // The price level the shopper browses and buys at (their price bands' mean, over many items, where logPrice is
    // one): the fifth signal of a kind of shopper, and what tells apart kinds who look and cart alike.
    level > 0 ? Math.log1p(level) : 0,
    ...bins(views, [1, 3, 6, 11]),
    ...bins(adds, [1, 2]),
    ...bins(user?.rfm?.frequency ?? 0, [1, 2, 4]),
    // Never bought reads as the longest recency.
    ...bins((user?.rfm?.frequency ?? 0) > 0 ? (user?.rfm?.recencyDays ?? 0) : Infinity, [15, 61, 181]),
    ...bandSlots(user?.priceBandItems ?? []),
  );
  return out.map((v) => (Number.isFinite(v) ? v : 0));
}

function bandSlots(weights: readonly number[]): number[] {
  const out = new Array<number>(PRICE_BAND_SLOTS.length).fill(0);
  weights.forEach((w, i) => {
    const slot = Math.min(i, out.length - 1);
    out[slot] = (out[slot] as number) + Math.max(0, w);
  });
  return out;
}
