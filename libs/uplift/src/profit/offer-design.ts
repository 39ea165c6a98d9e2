/**
 * The coefficient layout of the conversion model's offer levels. Every action is fitted on the same design row:
 * the intercept, the standardized features, then `baselineBins` indicators of how likely the user is to buy with no
 * offer (bins of the no-offer model's logit, edges at its quantiles over the training decisions). Who an offer
 * persuades depends first on that likelihood (users who buy anyway and users who never buy are not moved; the ones
 * in between may be, or may be put off), so an offer's effect per baseline bin is learned from few decisions, while
 * how it differs by each raw feature needs many. No offer itself does not use the bins (their coefficients are
 * pinned at 0): they are a fixed function of its own prediction.
 */
export interface OfferDesign {
  /** Intercept plus features: the length of the no-offer model's own row. */
  readonly p: number;
  /** Upper edges of every baseline bin but the last, on the no-offer logit; empty without bins. */
  readonly baselineEdges: readonly number[];
  /**
   * Prior precision of an offer's intercept and baseline-bin coefficients as a share of its other coefficients'
   * (1: the same). Below 1, the offer's effect by baseline is learned before its effect by each raw feature.
   */
  readonly weakShrinkage: number;
  /**
   * How many of the last features also take the weak prior: the behaviour segments' posteriors, whose per-offer
   * effects are what the segments are for (few, each backed by a whole segment's decisions). Default 0.
   */
  readonly weakFeatures?: number;
}

/** Precision that pins a coefficient at its prior mean (0 for no offer's baseline bins). */
const PINNED = 1e9;

/** Number of baseline bins of a design (0 without them). */
export function baselineBinCount(design: OfferDesign): number {
  return design.baselineEdges.length === 0 ? 0 : design.baselineEdges.length + 1;
}

/** Prior precision of the no-offer model: `lambda` on its own coefficients, the baseline bins pinned at 0. */
export function nonePrecision(design: OfferDesign, lambda: number): number | number[] {
  const k = baselineBinCount(design);
  if (k === 0) return lambda;
  return [...new Array<number>(design.p).fill(lambda), ...new Array<number>(k).fill(PINNED)];
}

/** Prior precision of an offer level around the level below it (see OfferDesign.weakShrinkage). */
export function offerPrecision(design: OfferDesign, lambda: number): number | number[] {
  const k = baselineBinCount(design);
  if (k === 0 && design.weakShrinkage === 1) return lambda;
  const weak = lambda * design.weakShrinkage;
  const w = Math.min(design.weakFeatures ?? 0, design.p - 1);
  return [
    weak,
    ...new Array<number>(design.p - 1 - w).fill(lambda),
    ...new Array<number>(w).fill(weak),
    ...new Array<number>(k).fill(weak),
  ];
}

/** The no-offer logit of a row (its first `p` entries) under no offer's coefficients. */
export function baselineLogit(noneCoefficients: readonly number[], row: readonly number[], p: number): number {
  let eta = 0;
  for (let r = 0; r < p; r++) eta += (noneCoefficients[r] as number) * (row[r] as number);
  return eta;
}

/**
 * Edges splitting these logits into `bins` groups of (about) equal size; none for fewer than two bins. Each edge
 * lies halfway between two distinct logits, never on one: users with the same features share a logit, and an edge
 * on it would let the last digit of a refit move them all to the next bin.
 */
export function quantileEdges(logits: readonly number[], bins: number): number[] {
  if (bins < 2 || logits.length === 0) return [];
  const sorted = [...logits].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const k = Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins));
    const at = sorted[k] as number;
    const above = sorted.find((v) => v > at + 1e-9);
    if (above === undefined) continue;
    const edge = (at + above) / 2;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/** The row with its baseline-bin indicators appended (the row itself when the design has no bins). */
export function withBaselineBins(row: readonly number[], eta: number, design: OfferDesign): number[] {
  const k = baselineBinCount(design);
  if (k === 0) return [...row];
  const bins = new Array<number>(k).fill(0);
  let i = 0;
  while (i < design.baselineEdges.length && eta >= (design.baselineEdges[i] as number)) i++;
  bins[i] = 1;
  return [...row, ...bins];
}
