import { generatedPairs } from './bench-pairs';

describe('generated benchmark pairs', () => {
  it('are exactly the requested number of distinct pairs, the same on every run', () => {
    const pairs = generatedPairs(50, 200, 1000);
    expect(pairs).toHaveLength(1000);
    expect(new Set(pairs.map(([u, i]) => `${u}|${i}`)).size).toBe(1000);
    expect(generatedPairs(50, 200, 1000)).toEqual(pairs);
  });

  it('favour popular items like check-in data (item popularity follows a power law)', () => {
    const pairs = generatedPairs(2000, 1000, 20_000);
    const head = pairs.filter(([, i]) => Number(i.slice(1)) < 100).length;
    // With items drawn as floor(items * U^2.5), the first 10% of items take 10%^0.4 ≈ 40% of draws.
    expect(head / pairs.length).toBeGreaterThan(0.3);
  });
});
