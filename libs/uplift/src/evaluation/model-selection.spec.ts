import type { HillstromRecord } from '../data/hillstrom-dataset';
import { HILLSTROM_FEATURE_NAMES } from '../data/hillstrom-features';
import { upliftCandidates, type CandidateSetup } from '../model/uplift-candidates';
import { DEFAULT_LEARNER_OPTIONS } from '../model/uplift-learner';
import { SeededRandom } from '@offerstream/core';
import { chooseRobustlyBetter, selectUpliftModel, type CandidateScore } from './model-selection';
import { hillstromTrainingData, selectAndTest } from './uplift-evaluation';

/** Small tree budgets and no inner LR keep the complex candidate fast; the selection logic is what is under test. */
const FAST_BLEND: CandidateSetup['blended'] = {
  folds: 2,
  effectWeight: 0,
  linearWeight: 0,
  sharedParams: { ...DEFAULT_LEARNER_OPTIONS.sharedParams, maxTrees: 25, learningRate: 0.3, patience: 10 },
  armParams: {
    ...DEFAULT_LEARNER_OPTIONS.armParams,
    maxTrees: 25,
    learningRate: 0.3,
    patience: 10,
    minChildWeight: 20,
  },
};

function score(name: string, folds: number[]): CandidateScore {
  const mean = folds.reduce((a, b) => a + b, 0) / folds.length;
  const sd = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / (folds.length - 1));
  return { name, description: name, folds, mean, se: sd / Math.sqrt(folds.length) };
}

/**
 * 'bump': the e-mails work only for the middle history segments (3 and 4 of 1-7), a non-monotone effect that no
 * LR on these features can rank but one tree can. 'recency': the lift falls linearly with recency, which one LR
 * per arm already ranks.
 */
type World = 'bump' | 'recency';
function hillstromRows(n: number, seed: number, world: World): HillstromRecord[] {
  const rng = new SeededRandom(seed);
  const actions = ['none', 'mens', 'womens'] as const;
  return Array.from({ length: n }, () => {
    const segment = 1 + rng.int(7);
    const recency = 1 + rng.int(12);
    const action = actions[rng.int(3)] as (typeof actions)[number];
    const responsive = segment === 3 || segment === 4;
    const lift =
      action === 'none'
        ? 0
        : world === 'recency'
          ? (0.3 * (12 - recency)) / 11
          : responsive
            ? action === 'womens'
              ? 0.35
              : 0.2
            : 0.05;
    const visit = rng.next() < 0.1 + lift ? 1 : 0;
    return {
      recency,
      historySegment: `${segment}) segment`,
      history: 30 + rng.next() * 300,
      mens: rng.next() < 0.5 ? 1 : 0,
      womens: rng.next() < 0.5 ? 1 : 0,
      zipCode: rng.next() < 0.5 ? 'Urban' : 'Rural',
      newbie: rng.next() < 0.5 ? 1 : 0,
      channel: rng.next() < 0.5 ? 'Web' : 'Phone',
      action,
      visit,
      conversion: 0,
      spend: 0,
    };
  });
}

/** Generic data where uplift is linear in x0's log-odds, exactly the per-arm LR's own model. */
function linearWorld(n: number, seed: number): { x: number[][]; action: number[]; y: number[] } {
  const rng = new SeededRandom(seed);
  const x: number[][] = [];
  const action: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rng.next() * 2 - 1, rng.next() * 2 - 1, rng.next()];
    const a = rng.int(3);
    const logit =
      -1.5 +
      0.5 * (row[1] as number) +
      (a === 1 ? 0.6 + 0.9 * (row[0] as number) : 0) +
      (a === 2 ? 0.4 - 0.6 * (row[0] as number) : 0);
    x.push(row);
    action.push(a);
    y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { x, action, y };
}

const HILLSTROM_SETUP: CandidateSetup = {
  actions: ['none', 'mens', 'womens'],
  controlAction: 'none',
  featureNames: HILLSTROM_FEATURE_NAMES,
  target: 'visit',
  blended: FAST_BLEND,
};
const OPTIONS = { actions: ['none', 'mens', 'womens'], controlAction: 'none', folds: 5, seed: 7, budget: 0.3 };

describe('the selection rule', () => {
  it('keeps the simplest model when the complex one wins on the mean but on only 3 of 5 folds', () => {
    const choice = chooseRobustlyBetter([
      score('simple', [1.0, 1.0, 1.0, 1.0, 1.0]),
      score('complex', [1.6, 1.6, 1.6, 0.9, 0.9]),
    ]);
    expect(choice.chosen).toBe('simple');
    expect(choice.comparisons[0]).toMatchObject({ foldWins: 3, winsNeeded: 4, accepted: false });
  });

  it('keeps the simplest model when the complex one wins every fold by less than its fold standard error', () => {
    const choice = chooseRobustlyBetter([
      score('simple', [1.0, 1.1, 0.9, 1.0, 1.0]),
      score('complex', [1.02, 1.12, 0.92, 1.02, 1.01]),
    ]);
    expect(choice.comparisons[0]?.foldWins).toBe(5);
    expect(choice.chosen).toBe('simple');
  });

  it('takes the complex model when it wins on 4 of 5 folds by more than its fold standard error', () => {
    const choice = chooseRobustlyBetter([
      score('simple', [1.0, 1.0, 1.0, 1.0, 1.0]),
      score('complex', [1.3, 1.25, 1.35, 0.98, 1.3]),
    ]);
    expect(choice.chosen).toBe('complex');
    expect(choice.reason).toMatch(/4 of 5 folds/);
  });

  it('compares each candidate with the current choice, so a middle model that won stays unless the last beats it', () => {
    const choice = chooseRobustlyBetter([
      score('simple', [1.0, 1.0, 1.0, 1.0, 1.0]),
      score('middle', [1.3, 1.3, 1.31, 1.29, 1.3]),
      score('complex', [1.31, 1.29, 1.32, 1.3, 1.28]),
    ]);
    expect(choice.chosen).toBe('middle');
    expect(choice.comparisons.map((c) => c.against)).toEqual(['simple', 'middle']);
  });
});

describe('selectUpliftModel on seeded synthetic experiments', () => {
  it('picks the per-arm logistic regression when uplift is linear in the features', () => {
    const data = linearWorld(3000, 3);
    const candidates = upliftCandidates({
      actions: ['none', 'a', 'b'],
      controlAction: 'none',
      featureNames: ['x0', 'x1', 'x2'],
      target: 'y',
      blended: FAST_BLEND,
    });
    const selection = selectUpliftModel(data, candidates, { ...OPTIONS, actions: ['none', 'a', 'b'] });
    expect(selection.candidates.map((c) => c.folds.length)).toEqual([5, 5, 5]);
    expect(selection.candidates[0]?.mean).toBeGreaterThan(1.1);
    expect(selection.chosen).toBe('per-arm-lr');
  });

  it('picks the blended trees when the treatment works only on the middle history segments', () => {
    const data = hillstromTrainingData(hillstromRows(3000, 5, 'bump'));
    const selection = selectUpliftModel(data, upliftCandidates(HILLSTROM_SETUP), OPTIONS);
    const [perArm, , blended] = selection.candidates;
    expect(blended?.mean).toBeGreaterThan((perArm?.mean ?? 0) + 0.3);
    expect(selection.chosen).toBe('blended');
  });
});

describe('selectAndTest', () => {
  it('never lets the test rows influence the choice', () => {
    const train = hillstromRows(3000, 11, 'bump');
    // The simplest and the most complex candidate are enough to show the choice flipping.
    const all = upliftCandidates(HILLSTROM_SETUP);
    const candidates = [all[0], all[2]].filter((c) => c !== undefined);
    const options = { budget: 0.3, folds: 5, seed: 7, bootstrap: 0 };
    // Test labels from a world one LR per arm ranks well: had selection looked at them, it would keep the
    // simplest model.
    const otherTest = hillstromRows(6000, 12, 'recency');
    expect(selectUpliftModel(hillstromTrainingData(otherTest), candidates, OPTIONS).chosen).toBe('per-arm-lr');
    const onBump = selectAndTest(train, hillstromRows(2000, 12, 'bump'), candidates, options);
    const onOther = selectAndTest(train, otherTest, candidates, options);
    expect(onBump.chosen).toBe('blended');
    expect(onOther.selection).toEqual(onBump.selection);
    expect(onOther.test['gain_vs_random_visit']).not.toEqual(onBump.test['gain_vs_random_visit']);
    expect(onOther.reference).not.toBeNull();
  });
});
