import { ValidationError } from '@offerstream/core';
import { quantileEdges } from './offer-design';

/** A continuous context feature cut into ranges at its training quantiles (the edges, stored in the snapshot). */
export interface RangedFeature {
  readonly feature: number;
  readonly edges: number[];
  /** A value of exactly 0 means "not observed" (RangedFeatureSpec's `absentAtZero`): no range's indicator is set. */
  readonly absentAtZero?: boolean;
}

/** Which feature to cut, and into how many ranges at most (fewer where the values are not that varied). */
export interface RangedFeatureSpec {
  readonly feature: number;
  readonly ranges: number;
  /**
   * 0 is not a value but its absence (the recency of a shopper who never bought): the ranges are cut over the other
   * values, and a shopper at 0 has no range. Behaviour segments then skip the feature for that shopper instead of
   * counting the absence a second time beside the behaviour that already says it (no past purchases), which made
   * segments part shoppers by whether they had bought before rather than by how they answer offers.
   */
  readonly absentAtZero?: boolean;
}

/**
 * Edges of every spec's ranges at the quantiles of the training contexts. Why quantiles, not fixed edges: a feature
 * such as the shopper's price level is in the shop's currency and on the shop's price scale, so only its
 * distribution over the shop's own decisions says where the ranges are; the edges travel with the model.
 */
export function fitRangedFeatures(
  contexts: readonly (readonly number[])[],
  specs: readonly RangedFeatureSpec[],
): RangedFeature[] {
  const raw = contexts[0]?.length ?? 0;
  return specs.map(({ feature, ranges, absentAtZero }) => {
    if (!(Number.isInteger(feature) && feature >= 0 && feature < raw))
      throw new ValidationError('a ranged feature must index the context', { feature, raw });
    if (!(Number.isInteger(ranges) && ranges >= 2 && ranges <= 20))
      throw new ValidationError('a ranged feature needs 2 to 20 ranges', { feature, ranges });
    const values = contexts.map((x) => x[feature] as number);
    const observed = absentAtZero === true ? values.filter((v) => v !== 0) : values;
    return {
      feature,
      edges: quantileEdges(observed, ranges),
      ...(absentAtZero === true ? { absentAtZero: true } : {}),
    };
  });
}

/**
 * The context with one indicator per range of each ranged feature appended (a feature with no edges adds one); a
 * feature absent at zero sets none of its indicators there.
 */
export function withRanges(x: readonly number[], ranged: readonly RangedFeature[] | undefined): number[] {
  if (!ranged || ranged.length === 0) return [...x];
  const out = [...x];
  for (const { feature, edges, absentAtZero } of ranged) {
    const v = x[feature] as number;
    let k = 0;
    while (k < edges.length && v >= (edges[k] as number)) k++;
    if (absentAtZero === true && v === 0) k = -1;
    for (let i = 0; i <= edges.length; i++) out.push(i === k ? 1 : 0);
  }
  return out;
}

/** Indexes of each ranged feature's indicators in the widened context, as a group of ranges (one per feature). */
export function rangeGroups(raw: number, ranged: readonly RangedFeature[]): number[][] {
  let next = raw;
  return ranged.map(({ edges }) => {
    const group = Array.from({ length: edges.length + 1 }, (_, i) => next + i);
    next += edges.length + 1;
    return group;
  });
}

/** Width the ranged features add to a context. */
export const rangedWidth = (ranged: readonly RangedFeature[] | undefined): number =>
  (ranged ?? []).reduce((t, r) => t + r.edges.length + 1, 0);
