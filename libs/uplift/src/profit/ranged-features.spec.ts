import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitConversionModel, NO_POOLING, predictConversions } from './conversion-model';
import { conversionModelFromJSON } from './conversion-snapshot.codec';
import { fitRangedFeatures, rangeGroups, rangedWidth, withRanges } from './ranged-features';

describe('ranged features', () => {
  const contexts = Array.from({ length: 100 }, (_, i) => [1, i]);

  it('cuts a feature at its quantiles, so the ranges hold about equal shares of the training contexts', () => {
    const [ranged] = fitRangedFeatures(contexts, [{ feature: 1, ranges: 4 }]);
    expect(ranged?.edges).toEqual([25.5, 50.5, 75.5]);
    const counts = [0, 0, 0, 0];
    for (const x of contexts) {
      const ind = withRanges(x, [ranged!]).slice(2);
      counts[ind.indexOf(1)]! += 1;
      expect(ind.reduce((t, v) => t + v, 0)).toBe(1);
    }
    expect(counts).toEqual([26, 25, 25, 24]);
  });

  it('puts values beyond the training range in the outer ranges', () => {
    const ranged = fitRangedFeatures(contexts, [{ feature: 1, ranges: 4 }]);
    expect(withRanges([1, -5], ranged).slice(2)).toEqual([1, 0, 0, 0]);
    expect(withRanges([1, 1e6], ranged).slice(2)).toEqual([0, 0, 0, 1]);
  });

  it('adds a single constant indicator for a feature that never varies', () => {
    const ranged = fitRangedFeatures(contexts, [{ feature: 0, ranges: 5 }]);
    expect(ranged[0]?.edges).toEqual([]);
    expect(withRanges([1, 3], ranged)).toEqual([1, 3, 1]);
    expect(rangedWidth(ranged)).toBe(1);
  });

  it('names each feature’s indicators as one group after the context', () => {
    const ranged = fitRangedFeatures(contexts, [
      { feature: 1, ranges: 3 },
      { feature: 1, ranges: 2 },
    ]);
    expect(rangeGroups(2, ranged)).toEqual([
      [2, 3, 4],
      [5, 6],
    ]);
    expect(rangedWidth(ranged)).toBe(5);
  });

  it('leaves a feature absent at zero without a range there, and cuts its ranges over the values it has', () => {
    const half = Array.from({ length: 100 }, (_, i) => [1, i < 50 ? 0 : i]);
    const [ranged] = fitRangedFeatures(half, [{ feature: 1, ranges: 2, absentAtZero: true }]);
    expect(ranged).toEqual({ feature: 1, edges: [75.5], absentAtZero: true });
    expect(withRanges([1, 0], [ranged!]).slice(2)).toEqual([0, 0]);
    expect(withRanges([1, 60], [ranged!]).slice(2)).toEqual([1, 0]);
    expect(withRanges([1, 90], [ranged!]).slice(2)).toEqual([0, 1]);
    // Without the flag, the zeros are half of the values the ranges are cut over.
    expect(fitRangedFeatures(half, [{ feature: 1, ranges: 2 }])[0]?.edges).toEqual([50.5]);
  });

  it('refuses a feature outside the context and a range count outside 2 to 20', () => {
    expect(() => fitRangedFeatures(contexts, [{ feature: 2, ranges: 3 }])).toThrow(/index the context/);
    expect(() => fitRangedFeatures(contexts, [{ feature: 1, ranges: 1 }])).toThrow(/2 to 20 ranges/);
  });
});

describe('a conversion model with a ranged feature', () => {
  // Shoppers in the middle third of a price level (1 to 2) buy 10% without an offer and 40% with it; the rest 30%
  // either way: an effect no single slope in the level can follow.
  const log = (n: number, seed: number): LoggedDecision[] => {
    const random = seededRandom(seed);
    return Array.from({ length: n }, () => {
      const level = 3 * random();
      const action = random() < 0.5 ? 'pct20' : 'none';
      const middle = level >= 1 && level < 2;
      const converted = random() < (middle ? (action === 'pct20' ? 0.4 : 0.1) : 0.3);
      const values = { none: 10, pct20: 5 };
      return { context: [level], action, propensity: 0.5, reward: converted ? values[action] : 0, values, converted };
    });
  };
  const opts = { actions: ['none', 'pct20'], offerLambda: 1, poolLambda: NO_POOLING };
  const lift = (m: ReturnType<typeof fitConversionModel>, level: number): number => {
    const p = predictConversions(m, [level]);
    return (p['pct20']?.p ?? 0) - (p['none']?.p ?? 0);
  };
  const examples = log(6_000, 3);
  const ranged = fitConversionModel(examples, { ...opts, rangedFeatures: [{ feature: 0, ranges: 3 }] });

  it('learns an offer’s effect per range of the feature, where one slope cannot', () => {
    const plain = fitConversionModel(examples, opts);
    expect(Math.abs(lift(ranged, 1.5) - 0.3)).toBeLessThan(0.06);
    expect(Math.abs(lift(ranged, 0.5))).toBeLessThan(0.06);
    expect(Math.abs(lift(ranged, 2.5))).toBeLessThan(0.06);
    expect(Math.abs(lift(plain, 1.5) - 0.3)).toBeGreaterThan(0.15);
  });

  it('serves from the raw context and keeps its edges through JSON', () => {
    expect(ranged.rangedFeatures?.[0]?.edges).toHaveLength(2);
    const loaded = conversionModelFromJSON(JSON.stringify(ranged));
    expect(loaded.rangedFeatures).toEqual(ranged.rangedFeatures);
    expect(predictConversions(loaded, [1.5])).toEqual(predictConversions(ranged, [1.5]));
    const broken = JSON.parse(JSON.stringify(ranged)) as { rangedFeatures: { feature: number }[] };
    broken.rangedFeatures[0]!.feature = 1;
    expect(() => conversionModelFromJSON(JSON.stringify(broken))).toThrow(/ranged features must index/);
  });

  it('keeps a feature’s absence at zero through JSON and refuses one that is not a boolean', () => {
    const m = fitConversionModel(examples, {
      ...opts,
      rangedFeatures: [{ feature: 0, ranges: 3, absentAtZero: true }],
    });
    const loaded = conversionModelFromJSON(JSON.stringify(m));
    expect(loaded.rangedFeatures?.[0]?.absentAtZero).toBe(true);
    expect(predictConversions(loaded, [0])).toEqual(predictConversions(m, [0]));
    const broken = JSON.parse(JSON.stringify(m)) as { rangedFeatures: { absentAtZero: unknown }[] };
    broken.rangedFeatures[0]!.absentAtZero = 'yes';
    expect(() => conversionModelFromJSON(JSON.stringify(broken))).toThrow(/absentAtZero must be a boolean/);
  });

  it('fits segments without the feature while it has not varied yet, as before any shopper has a price level', () => {
    const random = seededRandom(9);
    const flat: LoggedDecision[] = Array.from({ length: 400 }, () => {
      const a = random() < 0.5 ? 1 : 0;
      // Two kinds of shopper: the two behaviours agree for nearly everyone, so the segments have something to find.
      const b = random() < 0.95 ? a : 1 - a;
      const converted = random() < 0.2;
      const values = { none: 10, pct20: 5 };
      return {
        context: [a, 1 - a, b, 1 - b, 0],
        action: random() < 0.5 ? 'pct20' : 'none',
        propensity: 0.5,
        reward: converted ? 10 : 0,
        values,
        converted,
      };
    });
    const m = fitConversionModel(flat, {
      ...opts,
      segmentGroups: [
        [0, 1],
        [2, 3],
      ],
      rangedFeatures: [{ feature: 4, ranges: 5 }],
    });
    expect(m.rangedFeatures).toEqual([{ feature: 4, edges: [] }]);
    expect(m.segments?.groups).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
