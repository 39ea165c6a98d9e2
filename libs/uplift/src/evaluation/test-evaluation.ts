import { ValidationError, SeededRandom } from '@offerstream/core';
import { HILLSTROM_ACTIONS, type HillstromRecord } from '../data/hillstrom-dataset';
import { encodeHillstromCustomer } from '../data/hillstrom-features';
import type { UpliftModel } from '../model/uplift-model';
import { bestArmByRate, gainFromWeights, type TargetingGain } from './policy-gain';
import { estimateFromWeights, importanceWeights } from './policy-value';
import { qiniAucScore, upliftAtK } from './qini';
import { budgetedAssignment, constantPolicy, deterministicPolicy } from './targeting-policy';

const NONE = 0;
const MENS = 1;
const WOMENS = 2;
const OUTCOMES = ['visit', 'conversion', 'spend'] as const;

function round(v: number, digits = 5): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Scores a trained model ONCE on held-out Hillstrom rows: SNIPS values of the learned policy and the
 * baselines, the bar's gain over random targeting with a bootstrap interval over test rows, and Qini per arm.
 */
export function evaluateOnTest(
  model: UpliftModel,
  train: readonly HillstromRecord[],
  test: readonly HillstromRecord[],
  budget: number,
  bootstrap: number,
  seed: number,
): Record<string, unknown> {
  const n = test.length;
  const logged = Int32Array.from(test.map((r) => HILLSTROM_ACTIONS.indexOf(r.action)));
  const counts = [0, 0, 0];
  for (const a of logged) counts[a] = (counts[a] as number) + 1;
  if (counts.some((c) => c === 0)) throw new ValidationError('test data must contain all three actions', { counts });
  const propensity = counts.map((c) => c / n);
  const outcomes: Record<(typeof OUTCOMES)[number], Float64Array> = {
    visit: Float64Array.from(test.map((r) => r.visit)),
    conversion: Float64Array.from(test.map((r) => r.conversion)),
    spend: Float64Array.from(test.map((r) => r.spend)),
  };

  const upliftMens = new Float64Array(n);
  const upliftWomens = new Float64Array(n);
  test.forEach((r, i) => {
    const u = model.predictUplift(encodeHillstromCustomer(r));
    upliftMens[i] = u['mens'] ?? 0;
    upliftWomens[i] = u['womens'] ?? 0;
  });

  // The best single arm is chosen on train, so the random-targeting baseline does not peek at test.
  const bestArm = bestArmByRate(
    train.map((r) => HILLSTROM_ACTIONS.indexOf(r.action)),
    train.map((r) => r.visit),
    [MENS, WOMENS],
  );
  const bestName = HILLSTROM_ACTIONS[bestArm] as string;

  const learned = budgetedAssignment([upliftMens, upliftWomens], [MENS, WOMENS], NONE, budget);
  const learnedFree = budgetedAssignment([upliftMens, upliftWomens], [MENS, WOMENS], NONE, 1);
  const bestDist = [1 - budget, bestArm === MENS ? budget : 0, bestArm === WOMENS ? budget : 0];
  const policies: Record<string, Float64Array[]> = {
    learned: deterministicPolicy(learned, 3),
    learned_unconstrained: deterministicPolicy(learnedFree, 3),
    all_mens: constantPolicy(n, [0, 1, 0]),
    all_womens: constantPolicy(n, [0, 0, 1]),
    all_none: constantPolicy(n, [1, 0, 0]),
    random_best_arm_budget: constantPolicy(n, bestDist),
    random_assignment_budget: constantPolicy(n, [1 - budget, budget / 2, budget / 2]),
    random_assignment: constantPolicy(n, [1 / 3, 1 / 3, 1 / 3]),
  };
  const weights: Record<string, Float64Array> = {};
  const report: Record<string, unknown> = {};
  for (const [name, policy] of Object.entries(policies)) {
    const w = importanceWeights(policy, logged, propensity);
    weights[name] = w;
    const entry: Record<string, unknown> = {};
    for (const o of OUTCOMES) {
      const e = estimateFromWeights(w, outcomes[o]);
      entry[o] = { snips: round(e.snips, 6), se: round(e.snipsSe, 6), ips: round(e.ips, 6) };
    }
    const dist = [0, 0, 0];
    for (const row of policy) for (let a = 0; a < 3; a++) dist[a] = (dist[a] as number) + (row[a] as number) / n;
    entry['action_share'] = {
      none: round(dist[0] as number, 4),
      mens: round(dist[1] as number, 4),
      womens: round(dist[2] as number, 4),
    };
    report[name] = entry;
  }

  const visit = outcomes.visit;
  const gainWeightsOf = {
    learned: weights['learned'] as Float64Array,
    random: weights['random_best_arm_budget'] as Float64Array,
    none: weights['all_none'] as Float64Array,
  };
  const gainOf = (idx?: Int32Array): TargetingGain => gainFromWeights(gainWeightsOf, visit, idx);
  const point = gainOf();
  const rng = new SeededRandom(seed + 7);
  const boots: number[] = [];
  for (let b = 0; b < bootstrap; b++) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    boots.push(gainOf(idx).gain);
  }
  boots.sort((a, b) => a - b);
  const q = (p: number): number => boots[Math.min(boots.length - 1, Math.floor(p * boots.length))] ?? NaN;

  const arm = (a: number, u: Float64Array): { y: number[]; s: number[]; t: number[] } => {
    const y: number[] = [];
    const s: number[] = [];
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      if (logged[i] !== a && logged[i] !== NONE) continue;
      y.push(visit[i] as number);
      s.push(u[i] as number);
      t.push(logged[i] === a ? 1 : 0);
    }
    return { y, s, t };
  };
  const mensArm = arm(MENS, upliftMens);
  const womensArm = arm(WOMENS, upliftWomens);

  return {
    test_propensity: {
      none: round(propensity[0] as number),
      mens: round(propensity[1] as number),
      womens: round(propensity[2] as number),
    },
    best_single_arm_on_train: bestName,
    policies: report,
    incremental_visit_per_customer: {
      learned: round(point.learnedInc, 6),
      random_best_arm_budget: round(point.randomInc, 6),
    },
    gain_vs_random_visit: round(point.gain, 4),
    gain_vs_random_visit_bootstrap_90ci: bootstrap > 0 ? [round(q(0.05), 4), round(q(0.95), 4)] : null,
    qini_visit: {
      mens: round(qiniAucScore(mensArm.y, mensArm.s, mensArm.t), 5),
      womens: round(qiniAucScore(womensArm.y, womensArm.s, womensArm.t), 5),
    },
    uplift_at_30_visit: {
      mens: round(upliftAtK(mensArm.y, mensArm.s, mensArm.t, 0.3), 5),
      womens: round(upliftAtK(womensArm.y, womensArm.s, womensArm.t, 0.3), 5),
    },
  };
}
