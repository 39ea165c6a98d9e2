import { seededRandom, gaussian } from '@offerstream/core';
import { hyperplaneLsh, lshBuckets, lshLayout } from './random-hyperplanes';

const randomVector = (rng: () => number, dims: number): Float32Array =>
  Float32Array.from({ length: dims }, () => gaussian(rng));

/** A vector at a small angle from v. */
function near(v: Float32Array, rng: () => number, noise: number): Float32Array {
  return v.map((x) => x + noise * gaussian(rng));
}

describe('random-hyperplane LSH', () => {
  it('rebuilds the same hyperplanes from the seed, so the writer and every reader agree', () => {
    const v = randomVector(seededRandom(3), 64);
    expect(lshBuckets(hyperplaneLsh(64, 8, 12, 5), v)).toEqual(lshBuckets(hyperplaneLsh(64, 8, 12, 5), v));
    expect(lshBuckets(hyperplaneLsh(64, 8, 12, 6), v)).not.toEqual(lshBuckets(hyperplaneLsh(64, 8, 12, 5), v));
  });

  it('gives one bucket per table within the range of its bits', () => {
    const b = lshBuckets(hyperplaneLsh(16, 4, 3, 1), randomVector(seededRandom(1), 16)) ?? [];
    expect(b).toHaveLength(4);
    for (const x of b) expect(x >= 0 && x < 8 && Number.isInteger(x)).toBe(true);
  });

  it('puts near vectors in a shared bucket far more often than unrelated ones', () => {
    const lsh = hyperplaneLsh(64, 8, 12, 1);
    const rng = seededRandom(9);
    let nearShared = 0;
    let farShared = 0;
    for (let n = 0; n < 200; n++) {
      const v = randomVector(rng, 64);
      const a = lshBuckets(lsh, v) ?? [];
      const b = lshBuckets(lsh, near(v, rng, 0.15)) ?? [];
      const c = lshBuckets(lsh, randomVector(rng, 64)) ?? [];
      if (a.some((x, t) => x === b[t])) nearShared++;
      if (a.some((x, t) => x === c[t])) farShared++;
    }
    expect(nearShared).toBeGreaterThan(180);
    expect(farShared).toBeLessThan(10);
  });

  it('has no bucket for a missing, zero or wrongly sized vector', () => {
    const lsh = hyperplaneLsh(8, 2, 4, 1);
    expect(lshBuckets(lsh, null)).toBeNull();
    expect(lshBuckets(lsh, new Float32Array(8))).toBeNull();
    expect(lshBuckets(lsh, new Float32Array(7).fill(1))).toBeNull();
  });

  it('names the layout by dims, bits and seed, so changing them starts new keys', () => {
    expect(lshLayout(hyperplaneLsh(64, 8, 12, 1))).toBe('d64b12s1');
  });
});
