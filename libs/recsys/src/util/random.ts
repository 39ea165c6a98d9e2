import { seededRandom } from '@offerstream/core';
/** Seeded PRNG (mulberry32) so training, sampling and tests are reproducible run to run. */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  return seededRandom(seed);
}

/** Standard normal draw by Box-Muller; one value per call keeps the state simple. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function shuffleInPlace(arr: Int32Array, rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = arr[i] ?? 0;
    arr[i] = arr[j] ?? 0;
    arr[j] = t;
  }
}
