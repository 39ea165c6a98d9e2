import { writeFileSync } from 'node:fs';
import { ValidationError } from '@offerstream/core';
import { HILLSTROM_ACTIONS, loadHillstromCsv, type HillstromRecord } from '../data/hillstrom-dataset';
import { encodeHillstromCustomer, HILLSTROM_FEATURE_NAMES } from '../data/hillstrom-features';
import { DEFAULT_LEARNER_OPTIONS, trainUpliftModel } from '../model/uplift-learner';
import type { UpliftModel } from '../model/uplift-model';
import { SeededRandom } from '../util/seeded-random';
import { estimateFromWeights, importanceWeights } from './policy-value';
import { qiniAucScore, upliftAtK } from './qini';
import { budgetedAssignment, constantPolicy, deterministicPolicy } from './targeting-policy';

const NONE = 0;
const MENS = 1;
const WOMENS = 2;
const OUTCOMES = ['visit', 'conversion', 'spend'] as const;

export const QINI_NORMALIZATION =
  'scikit-uplift qini_auc_score(negative_effect=True): rows sorted by predicted uplift (ties grouped), ' +
  'Qini(k) = Y_t(k) - Y_c(k)*N_t(k)/N_c(k); (AUC_model - AUC_random) / (AUC_perfect - AUC_random) with the ' +
  'random line from (0,0) to the curve end and the perfect curve sorting treated responders first and control ' +
  'responders last; computed per e-mail arm on the test rows of that arm plus the No E-Mail rows.';

interface EvaluationFlags {
  train: string;
  test: string | null;
  budget: number;
  seed: number;
  testFraction: number;
  folds: number;
  effectWeight: number;
  bags: number;
  modelOut: string | null;
  bootstrap: number;
}

function parseFlags(argv: readonly string[]): EvaluationFlags {
  const args = [...argv];
  if (args[0] === 'evaluate') args.shift();
  if (args[0] === 'uplift') args.shift();
  const flags: EvaluationFlags = {
    train: '',
    test: null,
    budget: 0.3,
    seed: 42,
    testFraction: 0.3,
    folds: 5,
    effectWeight: DEFAULT_LEARNER_OPTIONS.effectWeight,
    bags: DEFAULT_LEARNER_OPTIONS.bags ?? 1,
    modelOut: null,
    bootstrap: 200,
  };
  for (let k = 0; k < args.length; k++) {
    const flag = args[k] as string;
    const value = args[k + 1];
    const need = (): string => {
      if (value === undefined) throw new ValidationError(`${flag} needs a value`);
      k++;
      return value;
    };
    const num = (lo: number, hi: number): number => {
      const v = Number(need());
      if (!Number.isFinite(v) || v < lo || v > hi) throw new ValidationError(`${flag} must be a number in [${lo}, ${hi}]`);
      return v;
    };
    switch (flag) {
      case '--train':
        flags.train = need();
        break;
      case '--test':
        flags.test = need();
        break;
      case '--budget':
        flags.budget = num(0, 1);
        break;
      case '--seed':
        flags.seed = num(0, 2 ** 31);
        break;
      case '--test-fraction':
        flags.testFraction = num(0.05, 0.95);
        break;
      case '--folds':
        flags.folds = num(2, 20);
        break;
      case '--effect-weight':
        flags.effectWeight = num(0, 1);
        break;
      case '--bags':
        flags.bags = Math.round(num(1, 50));
        break;
      case '--model-out':
        flags.modelOut = need();
        break;
      case '--bootstrap':
        flags.bootstrap = num(0, 10000);
        break;
      default:
        throw new ValidationError(`unknown flag ${flag}`, {
          usage: 'evaluate uplift --train FILE [--test FILE] [--budget F] [--seed N] [--test-fraction F] [--bags N] [--model-out FILE]',
        });
    }
  }
  if (!flags.train) throw new ValidationError('--train FILE is required');
  return flags;
}

/** Stratified by logged action so both halves keep the experiment's 1/3 design. */
export function splitByArm(rows: readonly HillstromRecord[], testFraction: number, seed: number): { train: HillstromRecord[]; test: HillstromRecord[] } {
  const rng = new SeededRandom(seed);
  const train: HillstromRecord[] = [];
  const test: HillstromRecord[] = [];
  for (const action of HILLSTROM_ACTIONS) {
    const group = rng.shuffle(rows.filter((r) => r.action === action));
    const cut = Math.round(group.length * testFraction);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  return { train, test };
}

function stderr(message: string): void {
  process.stderr.write(`[uplift] ${message}\n`);
}

function round(v: number, digits = 5): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** `evaluate uplift --train FILE [--test FILE] [--budget F]` on the Hillstrom e-mail campaign. */
export async function runUpliftEvaluation(argv: string[]): Promise<Record<string, unknown>> {
  const started = Date.now();
  const flags = parseFlags(argv);
  const all = loadHillstromCsv(flags.train);
  let train: HillstromRecord[];
  let test: HillstromRecord[];
  let split: Record<string, unknown>;
  if (flags.test) {
    train = all;
    test = loadHillstromCsv(flags.test);
    split = { kind: 'given', train: flags.train, test: flags.test };
  } else {
    ({ train, test } = splitByArm(all, flags.testFraction, flags.seed));
    split = {
      kind: 'holdout-split-of-train-file',
      note: `no --test given: ${flags.train} was split ${Math.round((1 - flags.testFraction) * 100)}/${Math.round(flags.testFraction * 100)} stratified by arm with seed ${flags.seed}; the test part was never used for fitting or selection`,
      seed: flags.seed,
      testFraction: flags.testFraction,
    };
  }
  stderr(`train ${train.length} rows, test ${test.length} rows, budget ${flags.budget}`);

  const actionIndex = (r: HillstromRecord): number => HILLSTROM_ACTIONS.indexOf(r.action);
  const model = trainUpliftModel(
    { x: train.map(encodeHillstromCustomer), action: train.map(actionIndex), y: train.map((r) => r.visit) },
    {
      ...DEFAULT_LEARNER_OPTIONS,
      folds: flags.folds,
      seed: flags.seed,
      effectWeight: flags.effectWeight,
      bags: flags.bags,
      actions: HILLSTROM_ACTIONS,
      controlAction: 'none',
      featureNames: HILLSTROM_FEATURE_NAMES,
      target: 'visit',
      log: stderr,
    },
  );
  stderr(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (flags.modelOut) writeFileSync(flags.modelOut, JSON.stringify(model.toJSON()));

  const result = evaluateOnTest(model, train, test, flags.budget, flags.bootstrap, flags.seed);
  return {
    command: 'evaluate uplift',
    split,
    rows: { train: train.length, test: test.length },
    budget: flags.budget,
    learner: {
      kind: 'stacked T-learner (arm offsets + shared trees + per-arm correction trees) blended with a DR-learner; own gradient-boosted trees; every tree count chosen by K-fold cross-validation on train; with bags > 1 the whole pipeline is repeated with other fold assignments and seeds and the margins averaged; the trees\' uplift is averaged with that of a ridge logistic regression with arm interactions (linear_weight)',
      target: 'visit',
      effect_weight: flags.effectWeight,
      linear_weight: DEFAULT_LEARNER_OPTIONS.linearWeight ?? 0,
      bags: flags.bags,
      folds: flags.folds,
      ...model.toJSON().metadata,
    },
    ...result,
    qini_normalization: QINI_NORMALIZATION,
    seconds: round((Date.now() - started) / 1000, 1),
  };
}

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
  const trainVisit = [0, 0, 0];
  const trainCount = [0, 0, 0];
  for (const r of train) {
    const a = HILLSTROM_ACTIONS.indexOf(r.action);
    trainVisit[a] = (trainVisit[a] as number) + r.visit;
    trainCount[a] = (trainCount[a] as number) + 1;
  }
  const trainRate = trainVisit.map((v, a) => v / Math.max(1, trainCount[a] as number));
  const bestArm = (trainRate[MENS] as number) >= (trainRate[WOMENS] as number) ? MENS : WOMENS;
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
    entry['action_share'] = { none: round(dist[0] as number, 4), mens: round(dist[1] as number, 4), womens: round(dist[2] as number, 4) };
    report[name] = entry;
  }

  const visit = outcomes.visit;
  const snips = (w: Float64Array, idx?: Int32Array): number => {
    let sw = 0;
    let swy = 0;
    const m = idx ? idx.length : w.length;
    for (let k = 0; k < m; k++) {
      const i = idx ? (idx[k] as number) : k;
      sw += w[i] as number;
      swy += (w[i] as number) * (visit[i] as number);
    }
    return sw === 0 ? 0 : swy / sw;
  };
  const gainOf = (idx?: Int32Array): { learnedInc: number; randomInc: number; gain: number } => {
    const none = snips(weights['all_none'] as Float64Array, idx);
    const learnedInc = snips(weights['learned'] as Float64Array, idx) - none;
    const randomInc = snips(weights['random_best_arm_budget'] as Float64Array, idx) - none;
    return { learnedInc, randomInc, gain: learnedInc / randomInc };
  };
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
    test_propensity: { none: round(propensity[0] as number), mens: round(propensity[1] as number), womens: round(propensity[2] as number) },
    best_single_arm_on_train: bestName,
    policies: report,
    incremental_visit_per_customer: {
      learned: round(point.learnedInc, 6),
      random_best_arm_budget: round(point.randomInc, 6),
    },
    gain_vs_random_visit: round(point.gain, 4),
    gain_vs_random_visit_bootstrap_90ci: bootstrap > 0 ? [round(q(0.05), 4), round(q(0.95), 4)] : null,
    qini_visit: { mens: round(qiniAucScore(mensArm.y, mensArm.s, mensArm.t), 5), womens: round(qiniAucScore(womensArm.y, womensArm.s, womensArm.t), 5) },
    uplift_at_30_visit: {
      mens: round(upliftAtK(mensArm.y, mensArm.s, mensArm.t, 0.3), 5),
      womens: round(upliftAtK(womensArm.y, womensArm.s, womensArm.t, 0.3), 5),
    },
  };
}
