import { effectiveSampleSize, rescaleWeights } from './importance-weights';

describe('importance weights', () => {
  it('rescales weights to sum to the row count, keeping their ratios', () => {
    expect(rescaleWeights([1, 3])).toEqual([0.5, 1.5]);
    expect(rescaleWeights([2, 2, 4], 2)).toEqual([0.5, 0.5, 1]);
  });

  it('leaves all-zero weights at zero rather than dividing by zero', () => {
    expect(rescaleWeights([0, 0])).toEqual([0, 0]);
    expect(effectiveSampleSize([0, 0])).toBe(0);
  });

  it('counts equal weights as that many rows and one dominant weight as about one', () => {
    expect(effectiveSampleSize([3, 3, 3, 3])).toBeCloseTo(4, 12);
    expect(effectiveSampleSize([100, 1, 1])).toBeCloseTo(102 ** 2 / 10_002, 12);
  });
});
