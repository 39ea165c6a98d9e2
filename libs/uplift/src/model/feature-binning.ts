/**
 * Quantile binning of a dense matrix so tree growth works on small per-feature histograms instead of
 * sorting. Cut c_j sends a raw value v to bin j when v <= c_j, so a split "bins <= j" is exactly "v <= c_j"
 * and the trained trees predict on raw vectors without the binner.
 */
export class BinnedMatrix {
  readonly rows: number;
  readonly features: number;
  /** Column-major bin codes: bins[f * rows + i]. */
  readonly bins: Uint8Array;
  readonly cuts: readonly Float64Array[];

  constructor(x: readonly (readonly number[])[], maxBins = 64) {
    this.rows = x.length;
    this.features = x[0]?.length ?? 0;
    this.bins = new Uint8Array(this.rows * this.features);
    const cuts: Float64Array[] = [];
    const column = new Float64Array(this.rows);
    for (let f = 0; f < this.features; f++) {
      for (let i = 0; i < this.rows; i++) column[i] = (x[i] as readonly number[])[f] as number;
      const c = computeCuts(column, Math.min(255, maxBins));
      cuts.push(c);
      for (let i = 0; i < this.rows; i++) this.bins[f * this.rows + i] = binOf(c, column[i] as number);
    }
    this.cuts = cuts;
  }
}

function computeCuts(column: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  }
  if (distinct.length <= maxBins) {
    const cuts = new Float64Array(Math.max(0, distinct.length - 1));
    for (let j = 0; j + 1 < distinct.length; j++) cuts[j] = ((distinct[j] as number) + (distinct[j + 1] as number)) / 2;
    return cuts;
  }
  const cuts: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const v = sorted[Math.floor((q * sorted.length) / maxBins)] as number;
    if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
  }
  return Float64Array.from(cuts);
}

function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (cuts[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
