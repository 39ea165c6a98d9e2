import { gaussian, seededRandom } from '@offerstream/core';

/**
 * Random-hyperplane LSH (Charikar's SimHash) for cosine similarity: each of `tables` tables hashes a vector to
 * the signs of its dot products with `bits` Gaussian hyperplanes. Two vectors at angle θ agree on one bit with
 * probability 1 - θ/π, so near users share a bucket in at least one table with high probability while far ones
 * rarely do. The planes are drawn from the seed, never stored: the writer and every reader rebuild the same ones.
 */
export interface HyperplaneLsh {
  readonly dims: number;
  readonly tables: number;
  readonly bits: number;
  readonly seed: number;
  /** tables x bits x dims, row-major. */
  readonly planes: Float32Array;
}

export function hyperplaneLsh(dims: number, tables: number, bits: number, seed: number): HyperplaneLsh {
  if (!(bits >= 1 && bits <= 30)) throw new RangeError(`bits must be 1..30, got ${bits}`);
  const rng = seededRandom(seed);
  const planes = new Float32Array(tables * bits * dims);
  for (let i = 0; i < planes.length; i++) planes[i] = gaussian(rng);
  return { dims, tables, bits, seed, planes };
}

/** Bucket number of `v` in each table; null when the vector has the wrong length or no direction. */
export function lshBuckets(lsh: HyperplaneLsh, v: Float32Array | null | undefined): number[] | null {
  if (!v || v.length !== lsh.dims || !v.some((x) => x !== 0)) return null;
  const out: number[] = [];
  const { dims, bits, planes } = lsh;
  for (let t = 0; t < lsh.tables; t++) {
    let code = 0;
    for (let b = 0; b < bits; b++) {
      const row = (t * bits + b) * dims;
      let s = 0;
      for (let i = 0; i < dims; i++) s += (planes[row + i] ?? 0) * (v[i] ?? 0);
      // Arithmetic, not `<<`, so that 31+ bit codes would not turn negative; bits <= 30 keeps it a small integer.
      code = code * 2 + (s >= 0 ? 1 : 0);
    }
    out.push(code);
  }
  return out;
}

/** Names the hyperplane layout, so a change of dims, bits or seed starts a fresh key space instead of mixing codes. */
export const lshLayout = (lsh: HyperplaneLsh): string => `d${lsh.dims}b${lsh.bits}s${lsh.seed}`;
