import { bootstrapMeans, difference } from './bootstrap-interval';
import { bestCell } from './user-knn-comparison';

describe('bootstrap intervals over users', () => {
  it('brackets the mean and narrows as users grow', () => {
    const small = Float64Array.from({ length: 50 }, (_, i) => i % 2);
    const large = Float64Array.from({ length: 5000 }, (_, i) => i % 2);
    const [s] = bootstrapMeans([small], 400, 1);
    const [l] = bootstrapMeans([large], 400, 1);
    expect(s?.mean).toBe(0.5);
    expect(s!.lo).toBeLessThan(0.5);
    expect(s!.hi).toBeGreaterThan(0.5);
    expect(l!.hi - l!.lo).toBeLessThan((s!.hi - s!.lo) / 5);
  });

  it('gives a paired difference that a constant gap makes exact', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => (i % 7) / 7);
    const b = a.map((x) => x - 0.1);
    const [d] = bootstrapMeans([difference(a, b)], 200, 3);
    expect(d?.lo).toBeCloseTo(0.1, 9);
    expect(d?.hi).toBeCloseTo(0.1, 9);
  });
});

describe('choosing by cross-validation', () => {
  it('takes the best validation recall among admitted cells, ties to fewer neighbours', () => {
    const cells = [
      { neighbours: 50, weight: 1, recall: 0.2 },
      { neighbours: 25, weight: 1, recall: 0.2 },
      { neighbours: 25, weight: 0.5, recall: 0.3 },
    ];
    expect(bestCell(cells, (c) => c.weight === 1)).toEqual(cells[1]);
    expect(bestCell(cells, () => true)).toEqual(cells[2]);
  });
});
