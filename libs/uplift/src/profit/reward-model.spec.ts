import { SIMULATED_ACTIONS, simulateDecisionLog, simulatedMeanReward } from '../ope/simulated-decision-log';
import { SeededRandom } from '@offerstream/core';
import {
  fitRewardModel,
  incrementalProfits,
  predictRewards,
  REWARD_MODEL_VERSION,
  rewardModelFromJSON,
} from './reward-model';

const actions = [...SIMULATED_ACTIONS];

describe('reward model', () => {
  const logs = simulateDecisionLog(20000, new SeededRandom(3));
  const model = fitRewardModel(logs, { actions });

  it('recovers the known per-action linear effects', () => {
    for (const x of [
      [0, 0, 0],
      [1, -1, 0.5],
      [-1.5, 2, -1],
    ]) {
      const predicted = predictRewards(model, x);
      for (const a of actions)
        expect(Math.abs((predicted[a]?.mean ?? NaN) - simulatedMeanReward(x, a))).toBeLessThan(0.08);
    }
  });

  it('gives incremental profit as the difference to no offer', () => {
    const x = [0.3, 1, -0.2];
    const profits = incrementalProfits(model, x);
    const rewards = predictRewards(model, x);
    expect(profits['none']).toBe(0);
    expect(profits['pct10']).toBeCloseTo((rewards['pct10']?.mean ?? NaN) - (rewards['none']?.mean ?? NaN), 12);
    expect(Math.abs((profits['pct10'] ?? NaN) - 1.5)).toBeLessThan(0.1);
  });

  it('weights by inverse propensity so an intercept-only fit targets the population, not the logged mix', () => {
    // Without features the model cannot see that pct10 was mostly logged where x1 (and so its reward) is high.
    const blind = logs.map((d) => ({ ...d, context: [] }));
    const weighted = predictRewards(fitRewardModel(blind, { actions, maxWeight: 20 }), [])['pct10']?.mean ?? NaN;
    const unweighted = predictRewards(fitRewardModel(blind, { actions, maxWeight: 1 }), [])['pct10']?.mean ?? NaN;
    const loggedMean = blind.filter((d) => d.action === 'pct10').reduce((s, d, _, all) => s + d.reward / all.length, 0);
    expect(unweighted).toBeCloseTo(loggedMean, 2);
    expect(loggedMean - 1.5).toBeGreaterThan(0.3);
    expect(Math.abs(weighted - 1.5)).toBeLessThan(0.1);
  });

  it('reports per-action counts and a wider posterior sd where an action has little data', () => {
    const thin = logs.filter((d, i) => d.action !== 'free_shipping' || i % 50 === 0);
    const m = fitRewardModel(thin, { actions: [...actions, 'bundle'] });
    const p = predictRewards(m, [0, 0, 0]);
    expect(p['none']?.n).toBe(thin.filter((d) => d.action === 'none').length);
    expect(p['free_shipping']?.n).toBeLessThan(200);
    expect(p['bundle']?.n).toBe(0);
    expect(p['free_shipping']?.sd ?? 0).toBeGreaterThan(3 * (p['none']?.sd ?? Infinity));
    // An action never logged keeps the prior: the mean logged reward, with the widest sd.
    expect(p['bundle']?.mean).toBeCloseTo(m.baseline, 12);
    expect(p['bundle']?.sd ?? 0).toBeGreaterThan(p['free_shipping']?.sd ?? Infinity);
  });

  it('round-trips through JSON with its version and rejects another version', () => {
    const restored = rewardModelFromJSON(JSON.stringify(model));
    expect(restored.version).toBe(REWARD_MODEL_VERSION);
    expect(predictRewards(restored, [0.2, -0.4, 1])).toEqual(predictRewards(model, [0.2, -0.4, 1]));
    expect(() => rewardModelFromJSON({ ...model, version: 'reward-model/0' })).toThrow(/version/);
    expect(() => rewardModelFromJSON({ ...model, featureScale: [1] })).toThrow(/featureScale/);
  });

  it('refuses contexts of the wrong length', () => {
    expect(() => predictRewards(model, [1, 2])).toThrow(/2 features, expected 3/);
  });
});
