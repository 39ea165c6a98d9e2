import { segmentPosterior, type SegmentModel } from './behaviour-segments';

/** The context with the products of the given feature pairs appended. */
export function withInteractions(x: readonly number[], pairs: readonly (readonly [number, number])[]): number[] {
  return [...x, ...pairs.map(([i, j]) => (x[i] as number) * (x[j] as number))];
}

/** The conversion model's features of a raw context: the context, its interaction products, its segment posteriors. */
export function modelFeatures(
  x: readonly number[],
  pairs: readonly (readonly [number, number])[] | undefined,
  segments: SegmentModel | undefined,
): number[] {
  const out = pairs && pairs.length > 0 ? withInteractions(x, pairs) : [...x];
  return segments ? [...out, ...segmentPosterior(segments, x)] : out;
}
