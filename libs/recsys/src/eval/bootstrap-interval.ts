import { seededRandom } from '@offerstream/core';

export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Percentile bootstrap over users of the mean of each series: every series is resampled with the same user draws, so
 * intervals of paired differences (model A minus model B on the same users) come out right.
 */
export function bootstrapMeans(
  series: readonly ArrayLike<number>[],
  resamples: number,
  seed: number,
  level = 0.95,
): Interval[] {
  const n = series[0]?.length ?? 0;
  if (series.some((s) => s.length !== n)) throw new RangeError('every series must have one value per user');
  const rng = seededRandom(seed);
  const draws = series.map(() => new Float64Array(resamples));
  const idx = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng() * n);
    series.forEach((s, j) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += s[idx[i] ?? 0] ?? 0;
      (draws[j] as Float64Array)[b] = n > 0 ? sum / n : 0;
    });
  }
  const tail = (1 - level) / 2;
  return series.map((s, j) => {
    const d = (draws[j] as Float64Array).sort();
    const q = (p: number): number => d[Math.min(d.length - 1, Math.max(0, Math.floor(p * d.length)))] ?? NaN;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s[i] ?? 0;
    return { mean: n > 0 ? sum / n : 0, lo: q(tail), hi: q(1 - tail) };
  });
}

/** a[i] - b[i] per user. */
export function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) - (b[i] ?? 0);
  return out;
}
