import { betaDraw, laplace, secureRandom, seededRandom } from './seeded-random';

describe('Laplace noise', () => {
  it('has variance 2(Δ/ε)² and mean 0 at the scale Δ/ε', () => {
    const rng = seededRandom(11);
    for (const [sensitivity, epsilon] of [
      [4, 0.5],
      [1, 1],
      [4, 2],
    ] as const) {
      const b = sensitivity / epsilon;
      const n = 200_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = laplace(rng, b);
        sum += x;
        sq += x * x;
      }
      const mean = sum / n;
      const variance = sq / n - mean * mean;
      // The sample variance of n Laplace draws has a relative standard error of √(5/n) ≈ 0.5% here.
      expect(variance / (2 * b * b)).toBeGreaterThan(0.97);
      expect(variance / (2 * b * b)).toBeLessThan(1.03);
      expect(Math.abs(mean)).toBeLessThan((5 * b * Math.SQRT2) / Math.sqrt(n));
    }
  });

  it('is symmetric: as many draws above 0 as below', () => {
    const rng = seededRandom(3);
    let above = 0;
    for (let i = 0; i < 20_000; i++) if (laplace(rng, 1) > 0) above++;
    expect(Math.abs(above - 10_000)).toBeLessThan(500);
  });
});

describe('secureRandom', () => {
  it('draws in [0, 1) with a mean near 1/2', () => {
    const draws = Array.from({ length: 10_000 }, secureRandom);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length - 0.5)).toBeLessThan(0.02);
  });
});

describe('Beta draws', () => {
  it('have the mean a/(a+b) and variance ab/((a+b)²(a+b+1)), small shapes included', () => {
    const rng = seededRandom(5);
    for (const [a, b] of [
      [0.5, 0.5],
      [1, 19],
      [30, 70],
    ] as const) {
      const n = 50_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = betaDraw(rng, a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        sum += x;
        sq += x * x;
      }
      const mean = sum / n;
      const variance = sq / n - mean * mean;
      const want = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(5 * Math.sqrt(want / n));
      expect(variance / want).toBeGreaterThan(0.95);
      expect(variance / want).toBeLessThan(1.05);
    }
  });
});
