import { SeededRandom } from '@offerstream/core';
import { crossFittedRewards } from './cross-fitted-rewards';
import { evaluatePolicies, type PolicyEvaluation } from './policy-evaluation';
import { SIMULATED_ACTIONS, simulateDecisionLog } from './simulated-decision-log';
import { alwaysPolicy, nonePolicy, randomPolicy, standardPolicies } from './standard-policies';

const actions = [...SIMULATED_ACTIONS];
// True values under the simulation: features have mean 0, so each fixed action is worth its intercept.
const TRUTH: Record<string, number> = { none: 1, 'all:pct10': 1.5, random: (1 + 1.5 + 0.8) / 3 };

describe('policy evaluation', () => {
  it('95% intervals of IPS, SNIPS and DR cover the true value in at least 90 of 100 seeded replications', () => {
    const covered: Record<string, number> = {};
    const policies = { none: nonePolicy, 'all:pct10': alwaysPolicy('pct10'), random: randomPolicy };
    for (let rep = 0; rep < 100; rep++) {
      const result = evaluatePolicies(simulateDecisionLog(400, new SeededRandom(1000 + rep)), policies, {
        folds: 5,
        seed: rep,
      });
      for (const [name, truth] of Object.entries(TRUTH)) {
        for (const estimator of ['ips', 'snips', 'dr'] as const) {
          const e = result.policies[name]?.[estimator];
          if (e && e.lower <= truth && truth <= e.upper)
            covered[`${name}/${estimator}`] = (covered[`${name}/${estimator}`] ?? 0) + 1;
        }
      }
    }
    expect(Object.keys(covered)).toHaveLength(9);
    for (const count of Object.values(covered)) expect(count).toBeGreaterThanOrEqual(90);
  });

  describe('the standard policies on one log', () => {
    const logs = simulateDecisionLog(4000, new SeededRandom(7));
    const result: PolicyEvaluation = evaluatePolicies(logs, standardPolicies(actions), { folds: 5, seed: 1 });

    it('values the logging policy at the mean logged reward', () => {
      const mean = logs.reduce((s, d) => s + d.reward, 0) / logs.length;
      expect(result.policies['logging']?.ips.value).toBeCloseTo(mean, 10);
      expect(result.policies['logging']?.snips.value).toBeCloseTo(mean, 10);
      expect(result.policies['logging']?.ess).toBeCloseTo(logs.length, 6);
      expect(Math.abs((result.policies['logging']?.dr.value ?? NaN) - mean)).toBeLessThan(
        3 * (result.policies['logging']?.dr.se ?? 0),
      );
    });

    it('gives DR a smaller standard error than IPS where the reward model explains the reward', () => {
      const allPct10 = result.policies['all:pct10'];
      expect(allPct10?.dr.se ?? Infinity).toBeLessThan((allPct10?.ips.se ?? 0) * 0.8);
      expect(allPct10?.ess ?? Infinity).toBeLessThan(logs.length / 2);
    });

    it('finds that the greedy cross-fitted model beats always offering the best single action', () => {
      expect(result.policies['model']?.dr.lower ?? -Infinity).toBeGreaterThan(
        result.policies['all:pct10']?.dr.value ?? Infinity,
      );
    });
  });

  it('breaks the same terms down per segment', () => {
    const logs = simulateDecisionLog(600, new SeededRandom(8)).map((d) => ({
      ...d,
      segment: (d.context[0] as number) > 0 ? 'high' : 'low',
    }));
    const result = evaluatePolicies(logs, { none: nonePolicy }, { folds: 3, seed: 2 });
    const { high, low } = result.segments ?? {};
    expect((high?.n ?? 0) + (low?.n ?? 0)).toBe(600);
    // none is worth 1 + 0.5 x0, so the high-x0 segment is worth more.
    expect(high?.policies['none']?.dr.value ?? 0).toBeGreaterThan(low?.policies['none']?.dr.value ?? Infinity);
    const weighted =
      ((high?.n ?? 0) * (high?.policies['none']?.dr.value ?? 0) +
        (low?.n ?? 0) * (low?.policies['none']?.dr.value ?? 0)) /
      600;
    expect(weighted).toBeCloseTo(result.policies['none']?.dr.value ?? NaN, 10);
  });

  it('cross-fits: a decision is never scored by a model that saw its reward', () => {
    const logs = simulateDecisionLog(500, new SeededRandom(9));
    const opts = { actions, folds: 5, seed: 3 };
    const before = crossFittedRewards(logs, opts);
    const victim = 17;
    const poisoned = logs.map((d, i) => (i === victim ? { ...d, reward: 1e6 } : d));
    const after = crossFittedRewards(poisoned, opts);
    expect(after.fold).toEqual(before.fold);
    // The huge reward moves every model trained on it, yet not the prediction for the decision itself.
    expect(after.predictions[victim]).toEqual(before.predictions[victim]);
    logs.forEach((_, i) => {
      const sameFold = before.fold[i] === before.fold[victim];
      const moved =
        Math.abs(
          (after.predictions[i]?.[logs[victim]?.action ?? ''] ?? 0) -
            (before.predictions[i]?.[logs[victim]?.action ?? ''] ?? 0),
        ) > 1;
      expect(moved).toBe(!sameFold);
    });
  });
});
