import { ValidationError } from '@offerstream/core';
import { quantileEdges } from './offer-design';

/** A continuous context feature cut into ranges at its training quantiles (the edges, stored in the snapshot). */
export interface RangedFeature {
  readonly feature: number;
  readonly edges: number[];
}

/** Which feature to cut, and into how many ranges at most (fewer where the values are not that varied). */
export interface RangedFeatureSpec {
  readonly feature: number;
  readonly ranges: number;
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
  return specs.map(({ feature, ranges }) => {
    if (!(Number.isInteger(feature) && feature >= 0 && feature < raw))
      throw new ValidationError('a ranged feature must index the context', { feature, raw });
    if (!(Number.isInteger(ranges) && ranges >= 2 && ranges <= 20))
      throw new ValidationError('a ranged feature needs 2 to 20 ranges', { feature, ranges });
    return {
      feature,
      edges: quantileEdges(
        contexts.map((x) => x[feature] as number),
        ranges,
      ),
    };
  });
}

/** The context with one indicator per range of each ranged feature appended (a feature with no edges adds one). */
export function withRanges(x: readonly number[], ranged: readonly RangedFeature[] | undefined): number[] {
  if (!ranged || ranged.length === 0) return [...x];
  const out = [...x];
  for (const { feature, edges } of ranged) {
    const v = x[feature] as number;
    let k = 0;
    while (k < edges.length && v >= (edges[k] as number)) k++;
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
