import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import {
  fitConversionModel,
  NO_POOLING,
  predictConversions,
  predictProfits,
  withCandidateChoices,
} from './conversion-model';
import { conversionModelFromJSON } from './conversion-snapshot.codec';
import { persuadableLog } from './persuadable-log.test-fixture';

const actions = ['none', 'pct20'];

const log = persuadableLog;

describe('the conversion model', () => {
  const model = fitConversionModel(log(6_000, 1), { actions });

  it('recovers each action’s purchase probability per kind of user', () => {
    const persuadable = predictConversions(model, [1, Math.log(100)]);
    const other = predictConversions(model, [0, Math.log(100)]);
    expect(persuadable['none']?.p).toBeCloseTo(0.1, 1);
    expect(persuadable['pct20']?.p).toBeCloseTo(0.4, 1);
    expect(other['none']?.p).toBeCloseTo(0.3, 1);
    expect(other['pct20']?.p).toBeCloseTo(0.3, 1);
  });

  it('prices an offer with the decision’s own values, so its worth follows the price of what it applies to', () => {
    const gain = (price: number, x0: number): number => {
      const r = predictProfits(model, [x0, Math.log(price)], { none: 0.4 * price, pct20: 0.2 * price });
      return (r['pct20']?.mean ?? NaN) - (r['none']?.mean ?? NaN);
    };
    // Truth: 0.4 x 0.2p - 0.1 x 0.4p = +0.04p for persuadables; 0.3 x 0.2p - 0.3 x 0.4p = -0.06p for the others.
    expect(gain(50, 1)).toBeGreaterThan(0.5);
    expect(gain(150, 1)).toBeGreaterThan(2.5 * gain(50, 1));
    expect(gain(150, 0)).toBeLessThan(-5);
  });

  it('assumes an offer changes nothing until it has evidence: with no offers logged it costs its discount', () => {
    const noOffers = log(2_000, 2).filter((e) => e.action === 'none');
    const m = fitConversionModel(noOffers, { actions });
    const c = predictConversions(m, [1, Math.log(100)]);
    expect(c['pct20']?.p).toBeCloseTo(c['none']?.p ?? NaN, 10);
    expect(c['pct20']?.n).toBe(0);
    const r = predictProfits(m, [1, Math.log(100)], { none: 40, pct20: 20 });
    expect((r['pct20']?.mean ?? 0) - (r['none']?.mean ?? 0)).toBeLessThan(0);
  });

  it('is less sure of an action it has seen less of', () => {
    const thin = fitConversionModel(
      log(4_000, 3).filter((e, i) => e.action === 'none' || i % 20 === 0),
      { actions },
    );
    const c = predictConversions(thin, [1, Math.log(100)]);
    expect(c['pct20']?.sd ?? 0).toBeGreaterThan(2 * (c['none']?.sd ?? Infinity));
  });

  it('leaves out actions that have no value in this decision', () => {
    expect(Object.keys(predictProfits(model, [1, 4], { none: 10 }))).toEqual(['none']);
  });

  it('round-trips through JSON and refuses another version or a mis-shaped array', () => {
    const restored = conversionModelFromJSON(JSON.stringify(model));
    expect(predictConversions(restored, [1, 4])).toEqual(predictConversions(model, [1, 4]));
    expect(() => conversionModelFromJSON({ ...model, version: 'conversion-model/0' })).toThrow(/version/);
    expect(() => conversionModelFromJSON({ ...model, featureScale: [1] })).toThrow(/featureScale/);
  });

  it('refuses examples without the values and conversion it learns from', () => {
    const bare = log(10, 4).map(({ context, action, propensity, reward }) => ({ context, action, propensity, reward }));
    expect(() => fitConversionModel(bare, { actions })).toThrow(/values or converted/);
  });

  it('chooses how strongly offers are shrunk by cross-validation: weakly where they matter, strongly where they do not', () => {
    const grid = [1, 4, 16, 64];
    // The features' strength alone: baseline bins would carry this offer's effect and leave the features nothing.
    const plain = { baselineBins: 0, weakShrinkage: 1 };
    const strong = fitConversionModel(log(6_000, 5), { actions, offerLambda: grid, ...plain });
    expect(strong.offerLambda).toBeLessThan(64);
    expect(Object.keys(strong.offerLambdaDeviance ?? {})).toHaveLength(4);
    // An offer that changes nothing: the same purchase odds under both actions.
    const random = seededRandom(6);
    const noEffect = log(6_000, 6).map((e) => ({ ...e, converted: random() < 0.2 }));
    expect(fitConversionModel(noEffect, { actions, offerLambda: grid, ...plain }).offerLambda).toBe(64);
  });

  it('refits the whole log with the shrinkage a candidate chose, without running the grid again', () => {
    const options = { actions, offerLambda: [1, 4, 16, 64], poolLambda: [1, NO_POOLING], baselineBins: 0 };
    const candidate = fitConversionModel(log(3_000, 7), options);
    const whole = fitConversionModel(log(4_000, 7), withCandidateChoices(options, candidate));
    expect(whole.offerLambda).toBe(candidate.offerLambda);
    expect(whole.poolLambda).toBe(candidate.poolLambda);
    expect(whole.weakShrinkage).toBe(candidate.weakShrinkage);
    // One setting: nothing was cross-validated.
    expect(whole.offerLambdaDeviance).toBeUndefined();
  });

  it('pools offers that work alike, so each of many thinly logged offers borrows strength from the others', () => {
    // Five offers that all lift persuadables from 10% to 40%, each logged on a sixth of 1,200 decisions.
    const offers = ['pct10', 'pct20', 'pct30', 'ship', 'bundle'];
    const all = ['none', ...offers];
    const thin = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 1_200 }, () => {
        const persuadable = random() < 0.5 ? 1 : 0;
        const action = all[Math.floor(random() * all.length)] ?? 'none';
        const p = persuadable ? (action === 'none' ? 0.1 : 0.4) : 0.3;
        const values = Object.fromEntries(all.map((a) => [a, a === 'none' ? 40 : 30]));
        const converted = random() < p;
        return { context: [persuadable, 0], action, propensity: 1 / 6, reward: converted ? 30 : 0, values, converted };
      });
    };
    const offerLambda = [1, 4, 16, 64];
    const error = (m: ReturnType<typeof fitConversionModel>): number =>
      offers.reduce((sum, a) => sum + Math.abs((predictConversions(m, [1, 0])[a]?.p ?? 0) - 0.4), 0) / offers.length;
    // A single log can favour either fit by chance; the claim is about what pooling does on average.
    const errors = Array.from({ length: 12 }, (_, i) => {
      const log = thin(i + 1);
      // Pooling alone, without baseline bins (which would carry the shared effect by themselves).
      const plain = { actions: all, offerLambda, baselineBins: 0, weakShrinkage: 1 };
      const pooled = fitConversionModel(log, { ...plain, poolLambda: [1, 4, 16, 64, NO_POOLING] });
      const unpooled = fitConversionModel(log, { ...plain, poolLambda: NO_POOLING });
      expect(pooled.poolLambda).toBeLessThan(NO_POOLING);
      return { pooled: error(pooled), unpooled: error(unpooled) };
    });
    const mean = (k: 'pooled' | 'unpooled'): number => errors.reduce((s, e) => s + e[k], 0) / errors.length;
    expect(mean('pooled')).toBeLessThan(0.85 * mean('unpooled'));
    expect(errors.filter((e) => e.pooled < e.unpooled).length).toBeGreaterThanOrEqual(8);
  });
});

describe('interactions', () => {
  // An offer that persuades only shoppers with both traits (x0 = x1 = 1: 10% -> 50%); everyone else buys 30%
  // either way.
  const both = (seed: number): LoggedDecision[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 4_000 }, () => {
      const x = [random() < 0.5 ? 1 : 0, random() < 0.5 ? 1 : 0];
      const action = random() < 0.5 ? 'pct20' : 'none';
      const persuadable = x[0] === 1 && x[1] === 1;
      const p = persuadable ? (action === 'pct20' ? 0.5 : 0.1) : 0.3;
      const converted = random() < p;
      const values = { none: 40, pct20: 20 };
      return { context: x, action, propensity: 0.5, reward: converted ? values[action] : 0, values, converted };
    });
  };
  const lift = (m: ReturnType<typeof fitConversionModel>, x: number[]): number => {
    const p = predictConversions(m, x);
    return (p['pct20']?.p ?? 0) - (p['none']?.p ?? 0);
  };
  const opts = { actions, offerLambda: 1, poolLambda: NO_POOLING };

  it('lets an offer work on a combination of features that neither adds up to', () => {
    const log = both(5);
    const plain = fitConversionModel(log, opts);
    const crossed = fitConversionModel(log, { ...opts, interactions: [[0, 1]] });
    // The truth: +0.4 for shoppers with both traits, 0 for those with one.
    expect(Math.abs(lift(crossed, [1, 1]) - 0.4)).toBeLessThan(0.06);
    expect(Math.abs(lift(crossed, [1, 0]))).toBeLessThan(0.06);
    expect(Math.abs(lift(plain, [1, 0]))).toBeGreaterThan(Math.abs(lift(crossed, [1, 0])));
  });

  it('serves from the raw features and round-trips its pairs through JSON', () => {
    const crossed = fitConversionModel(both(6), { ...opts, interactions: [[0, 1]] });
    expect(crossed.featureMean).toHaveLength(3);
    const loaded = conversionModelFromJSON(JSON.stringify(crossed));
    expect(loaded.interactions).toEqual([[0, 1]]);
    expect(predictConversions(loaded, [1, 1])).toEqual(predictConversions(crossed, [1, 1]));
    expect(() => fitConversionModel(both(6), { ...opts, interactions: [[0, 2]] })).toThrow(/interactions/);
  });
});

describe('effective weights', () => {
  const offerSd = (examples: LoggedDecision[], effectiveWeights: boolean): number =>
    predictProfits(fitConversionModel(examples, { actions, effectiveWeights }), [1, Math.log(100)], {
      none: 40,
      pct20: 20,
    })['pct20']?.sd ?? NaN;

  it('change nothing when every decision was equally likely', () => {
    const even = log(2_000, 5);
    expect(offerSd(even, true)).toBeCloseTo(offerSd(even, false), 10);
  });

  it('make the posterior less sure when a few rare explorations carry most of the weight', () => {
    // Every tenth offer was an exploration drawn with probability 0.05 (weight 20); the rest were near-certain.
    const skewed = log(2_000, 5).map((d, i) =>
      d.action === 'pct20' ? { ...d, propensity: i % 10 === 0 ? 0.05 : 0.9 } : d,
    );
    expect(offerSd(skewed, true)).toBeGreaterThan(1.3 * offerSd(skewed, false));
  });
});
