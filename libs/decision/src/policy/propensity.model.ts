import { cosine } from '@offerstream/feature-store';
import type { ItemFeatures, UserFeatures } from '../features/feature-source.port';

/** Feature names of the purchase-propensity model, in weight order. */
export const PROPENSITY_FEATURES = [
  'blend',
  'affinity',
  'intent',
  'session',
  'recency',
  'frequency',
  'monetary',
  'segment',
  'sentiment',
  'priceFit',
  'popularity',
  'inCart',
  'userSimilarity',
] as const;
export type PropensityFeature = (typeof PROPENSITY_FEATURES)[number];

export interface PropensityWeights {
  readonly version: string;
  readonly bias: number;
  readonly weights: Readonly<Record<PropensityFeature, number>>;
  /**
   * Additive log-odds per learned cluster (its stable id, `c3`), fitted by `fitSegmentLift` in each refit; a
   * cluster the log has too little of, or none, adds nothing.
   */
  readonly segmentLift: Readonly<Record<string, number>>;
}

/**
 * Prior weights, set by hand from e-commerce base rates (a cold visitor buys a viewed item with about 2%
 * probability, a carted one with about 25%) until enough logged outcomes exist to refit them with
 * `fitPropensity`. Every feature is 0 when its signal is missing, so a missing signal moves nothing.
 */
export const DEFAULT_PROPENSITY: PropensityWeights = {
  version: 'propensity-lr@1.0.0-prior',
  bias: -3.9,
  weights: {
    blend: 1.2,
    affinity: 1.0,
    intent: 0.8,
    session: 0.9,
    recency: 0.6,
    frequency: 0.7,
    monetary: 0.3,
    segment: 1.0,
    sentiment: 0.8,
    priceFit: 0.6,
    popularity: 0.5,
    inCart: 2.5,
    userSimilarity: 0.8,
  },
  // No hand-set table: production emits cluster ids whose meaning is learned, so their lift is learned too.
  segmentLift: {},
};

export interface PropensityContext {
  readonly user: UserFeatures | undefined;
  readonly item: ItemFeatures;
  readonly blendScore: number;
  readonly inCart: boolean;
}

export type FeatureVector = Record<PropensityFeature, number>;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

function lookupCategory(
  m: Readonly<Record<string, number>> | undefined,
  category: string | undefined,
  top: string | undefined,
): number | undefined {
  if (!m) return undefined;
  const v = (category !== undefined ? m[category] : undefined) ?? (top !== undefined ? m[top] : undefined);
  return v === undefined ? undefined : clamp(v, 0, 1);
}

/** Maps raw signals to bounded model inputs; a missing signal becomes 0 and is listed in `missing`. */
export function propensityFeatures(
  ctx: PropensityContext,
  weights: PropensityWeights = DEFAULT_PROPENSITY,
): {
  x: FeatureVector;
  present: PropensityFeature[];
} {
  const { user, item } = ctx;
  const path = item.categoryPath;
  const category = path?.[path.length - 1];
  const top = path?.[0];
  const affinity = lookupCategory(user?.categoryAffinity, category, top);
  const intent = lookupCategory(user?.intent, category, top);
  const s = user?.session;
  const session = s ? clamp((s.views + 3 * s.cartAdds + s.searches) / 20, 0, 1) : undefined;
  const rfm = user?.rfm;
  const recency = rfm ? Math.exp(-Math.max(0, rfm.recencyDays) / 30) : undefined;
  const frequency = rfm ? 1 - Math.exp(-Math.max(0, rfm.frequency) / 3) : undefined;
  const monetary = rfm ? clamp(Math.log1p(Math.max(0, rfm.monetary)) / Math.log1p(1000), 0, 1) : undefined;
  const lift = user?.segment !== undefined ? weights.segmentLift[user.segment] : undefined;
  const segment = lift === undefined ? undefined : lift / (weights.weights.segment || 1);
  const sentiment = item.sentiment !== undefined ? clamp(item.sentiment, 0, 1) - 0.5 : undefined;
  const band = user?.priceBand;
  const priceFit =
    band && item.price !== undefined && band.median > 0
      ? Math.exp(-Math.abs(item.price - band.median) / Math.max(band.spread, band.median * 0.25)) - 0.5
      : undefined;
  const popularity = item.popularity !== undefined ? clamp(item.popularity, 0, 1) : undefined;
  // Cosine of the user vector with the item's content vector: how much the item resembles what the user touched.
  const userSimilarity =
    user?.vector && item.vector && user.vector.length === item.vector.length
      ? cosine(user.vector, item.vector)
      : undefined;
  // Built directly (no intermediate record or closure): this runs for every candidate of every decision.
  const x: FeatureVector = {
    blend: clamp(ctx.blendScore, 0, 1),
    affinity: affinity ?? 0,
    intent: intent ?? 0,
    session: session ?? 0,
    recency: recency ?? 0,
    frequency: frequency ?? 0,
    monetary: monetary ?? 0,
    segment: segment ?? 0,
    sentiment: sentiment ?? 0,
    priceFit: priceFit ?? 0,
    popularity: popularity ?? 0,
    inCart: ctx.inCart ? 1 : 0,
    userSimilarity: userSimilarity ?? 0,
  };
  // Same order as PROPENSITY_FEATURES (blend and inCart are always known, so never listed).
  const present: PropensityFeature[] = [];
  if (affinity !== undefined) present.push('affinity');
  if (intent !== undefined) present.push('intent');
  if (session !== undefined) present.push('session');
  if (recency !== undefined) present.push('recency');
  if (frequency !== undefined) present.push('frequency');
  if (monetary !== undefined) present.push('monetary');
  if (segment !== undefined) present.push('segment');
  if (sentiment !== undefined) present.push('sentiment');
  if (priceFit !== undefined) present.push('priceFit');
  if (popularity !== undefined) present.push('popularity');
  if (userSimilarity !== undefined) present.push('userSimilarity');
  return { x, present };
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const logit = (p: number): number => {
  const q = clamp(p, 1e-6, 1 - 1e-6);
  return Math.log(q / (1 - q));
};

/** P(purchase of this item in the offer window | no incentive). */
export function purchaseProbability(x: FeatureVector, weights: PropensityWeights = DEFAULT_PROPENSITY): number {
  const w = weights.weights;
  // Unrolled over PROPENSITY_FEATURES: called for every candidate, and the generic loop was measurable.
  const z =
    weights.bias +
    w.blend * x.blend +
    w.affinity * x.affinity +
    w.intent * x.intent +
    w.session * x.session +
    w.recency * x.recency +
    w.frequency * x.frequency +
    w.monetary * x.monetary +
    w.segment * x.segment +
    w.sentiment * x.sentiment +
    w.priceFit * x.priceFit +
    w.popularity * x.popularity +
    w.inCart * x.inCart +
    w.userSimilarity * x.userSimilarity;
  return sigmoid(z);
}

/**
 * Refits the weights by L2-regularised logistic regression (batch gradient descent) on logged
 * (features, bought) pairs, starting from the prior so that rarely observed features stay near it.
 */
export function fitPropensity(
  rows: readonly FeatureVector[],
  labels: readonly number[],
  prior: PropensityWeights = DEFAULT_PROPENSITY,
  opts: { epochs?: number; learningRate?: number; l2?: number; version?: string } = {},
): PropensityWeights {
  const epochs = opts.epochs ?? 300;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-3;
  const w = PROPENSITY_FEATURES.map((f) => prior.weights[f]);
  let b = prior.bias;
  const n = rows.length;
  for (let e = 0; e < epochs && n > 0; e++) {
    const g = new Array<number>(w.length).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as FeatureVector;
      let z = b;
      PROPENSITY_FEATURES.forEach((f, j) => (z += (w[j] as number) * row[f]));
      const err = sigmoid(z) - (labels[i] as number);
      gb += err;
      PROPENSITY_FEATURES.forEach((f, j) => (g[j] = (g[j] as number) + err * row[f]));
    }
    b -= (lr * gb) / n;
    PROPENSITY_FEATURES.forEach((f, j) => {
      const prev = prior.weights[f];
      w[j] = (w[j] as number) - lr * ((g[j] as number) / n + l2 * ((w[j] as number) - prev));
    });
  }
  const weights = Object.fromEntries(PROPENSITY_FEATURES.map((f, j) => [f, w[j] as number])) as Record<
    PropensityFeature,
    number
  >;
  return { version: opts.version ?? `${prior.version}+fit${n}`, bias: b, weights, segmentLift: prior.segmentLift };
}

/**
 * The row with its segment column set from the given weights' lift for the segment (0 for none): logged rows carry
 * the lift of the model they were decided with, and each model must be scored, and fitted, with its own.
 */
export function withSegmentLift(
  x: FeatureVector,
  segment: string | undefined,
  weights: PropensityWeights,
): FeatureVector {
  const lift = segment !== undefined ? weights.segmentLift[segment] : undefined;
  return { ...x, segment: lift === undefined ? 0 : lift / (weights.weights.segment || 1) };
}

export interface SegmentLiftOptions {
  /** Segments with fewer examples get no lift. */
  readonly minExamples?: number;
  /** Pseudo-count of expected purchases added to both sides: shrinks a small segment's lift towards 0. */
  readonly priorPurchases?: number;
  /** Bound of the lift in log-odds either way. */
  readonly maxLift?: number;
}

/**
 * Per segment, how much more (or less) its users buy than the other features predict: the log of observed over
 * expected purchases, both with `priorPurchases` added (empirical-Bayes shrinkage, so a segment with a handful of
 * examples moves little). For the rare events this model predicts a log rate ratio is close to a log-odds shift.
 * `rows` must have the segment column at 0, so the expectation holds everything but the segment.
 */
export function fitSegmentLift(
  rows: readonly { readonly x: FeatureVector; readonly segment?: string | undefined; readonly label: number }[],
  weights: PropensityWeights,
  opts: SegmentLiftOptions = {},
): Record<string, number> {
  const minExamples = opts.minExamples ?? 30;
  const prior = opts.priorPurchases ?? 5;
  const maxLift = opts.maxLift ?? 2;
  const by = new Map<string, { n: number; observed: number; expected: number }>();
  for (const r of rows) {
    if (r.segment === undefined) continue;
    const s = by.get(r.segment) ?? { n: 0, observed: 0, expected: 0 };
    s.n++;
    s.observed += r.label;
    s.expected += purchaseProbability(r.x, weights);
    by.set(r.segment, s);
  }
  const out: Record<string, number> = {};
  for (const [segment, s] of [...by].sort(([a], [b]) => a.localeCompare(b))) {
    if (s.n < minExamples) continue;
    out[segment] = clamp(Math.log((s.observed + prior) / (s.expected + prior)), -maxLift, maxLift);
  }
  return out;
}
