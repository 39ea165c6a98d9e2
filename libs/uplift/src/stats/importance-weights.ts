/**
 * Importance weights rescaled so they sum to `total` (the row count unless told): a Gaussian prior on a weighted fit
 * then competes with how many rows there are, not with how large the clipped inverse propensities happen to be.
 * All-zero weights stay zero.
 */
export function rescaleWeights(w: readonly number[], total = w.length): number[] {
  const sum = w.reduce((s, v) => s + v, 0);
  return w.map((v) => (sum > 0 ? (v * total) / sum : 0));
}

/** What unequal weights are worth in rows: (Σw)² / Σw² (Kish's effective sample size); 0 for all-zero weights. */
export function effectiveSampleSize(w: readonly number[]): number {
  const sum = w.reduce((s, v) => s + v, 0);
  const squares = w.reduce((s, v) => s + v * v, 0);
  return squares > 0 ? (sum * sum) / squares : 0;
}
