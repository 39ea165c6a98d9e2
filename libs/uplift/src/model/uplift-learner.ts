import { ValidationError, SeededRandom } from '@offerstream/core';
import { stratifiedFolds } from './cross-fitting';
import {
  averageBoostedTrees,
  BoostedTrees,
  fitBoostedTrees,
  sigmoid,
  type BoostingParams,
  type SerializedBoostedModel,
} from './gradient-boosting';
import { DEFAULT_LINEAR_PARAMS, fitLinearUplift, type LinearUpliftParams } from './linear-uplift';
import { StackedUpliftModel, type SerializedUpliftModel } from './uplift-model';

export interface UpliftTrainingData {
  readonly x: readonly (readonly number[])[];
  /** Index into `actions` of the logged (randomized) action. */
  readonly action: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

export type CvBoostingParams = Partial<BoostingParams> & { readonly patience?: number };

export interface UpliftLearnerOptions {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
  readonly target: string;
  readonly folds: number;
  readonly seed: number;
  readonly sharedParams: CvBoostingParams;
  readonly armParams: CvBoostingParams;
  readonly effectParams: CvBoostingParams;
  /** Weight of the DR-learner effect model against the difference of response models (0 skips it). */
  readonly effectWeight: number;
  /**
   * Weight of a logistic regression with arm interactions (see `linear-uplift.ts`) against the trees' uplift
   * (0 skips it). A smooth learner of another family: averaging it in cuts the trees' variance.
   */
  readonly linearWeight?: number;
  readonly linearParams?: LinearUpliftParams;
  /**
   * Final model of every stage = mean of the K fold models and the refit on all rows, instead of the refit
   * alone (bagging for free: the fold models were fitted for cross-validation anyway).
   */
  readonly foldAverage?: boolean;
  /** Number of whole pipelines, each on its own row subsample, fold assignment and seeds, averaged. */
  readonly bags?: number;
  /** Share of each arm's rows drawn (without replacement) for one bag; 1 keeps all rows. */
  readonly bagFraction?: number;
  readonly log?: (message: string) => void;
}

export const DEFAULT_LEARNER_OPTIONS: Omit<
  UpliftLearnerOptions,
  'actions' | 'controlAction' | 'featureNames' | 'target'
> = {
  folds: 5,
  seed: 42,
  sharedParams: {
    loss: 'logistic',
    maxTrees: 400,
    learningRate: 0.05,
    maxDepth: 3,
    minChildWeight: 30,
    lambda: 10,
    subsample: 0.8,
  },
  armParams: {
    loss: 'logistic',
    maxTrees: 300,
    learningRate: 0.03,
    maxDepth: 2,
    minChildWeight: 30,
    lambda: 10,
    subsample: 0.8,
  },
  effectParams: {
    loss: 'squared',
    maxTrees: 300,
    learningRate: 0.03,
    maxDepth: 2,
    minChildWeight: 800,
    lambda: 50,
    subsample: 0.8,
  },
  effectWeight: 0.5,
  linearWeight: 0.5,
  linearParams: { ...DEFAULT_LINEAR_PARAMS, squared: ['recency', 'log_history'] },
};

interface CvResult {
  readonly bestTrees: number;
  /** Out-of-fold margins of the fitted correction (each row scored by the fold model that did not see it). */
  readonly oof: Float64Array;
  readonly model: BoostedTrees;
}

/**
 * K-fold early stopping: every fold fits on the other folds with its own fold as validation; the number of
 * trees minimising the summed validation curves is used for the out-of-fold predictions and for the final
 * refit on all rows. `rows` restricts fitting to a subset (one arm) while every row gets a prediction.
 * `cvInit` is the starting margin seen during cross-validation (itself out-of-fold), `finalInit` the one
 * for the refit.
 */
function crossFitBoosted(
  x: readonly (readonly number[])[],
  y: ArrayLike<number>,
  rows: readonly number[],
  fold: Int32Array,
  k: number,
  params: CvBoostingParams,
  cvInit?: ArrayLike<number>,
  finalInit?: ArrayLike<number>,
  foldAverage = false,
): CvResult {
  const pick = (subset: readonly number[], init?: ArrayLike<number>) => ({
    x: subset.map((i) => x[i] as number[]),
    y: subset.map((i) => y[i] as number),
    ...(init ? { initMargin: subset.map((i) => init[i] as number) } : {}),
  });
  const foldModels: BoostedTrees[] = [];
  const curves: number[][] = [];
  // Zero trees is a candidate: with weak heterogeneity an arm correction often should stay empty.
  let best = 0;
  for (let f = 0; f < k; f++) {
    const fit = fitBoostedTrees(
      pick(
        rows.filter((i) => fold[i] !== f),
        cvInit,
      ),
      { ...params, seed: (params.seed ?? 1) + f },
      pick(
        rows.filter((i) => fold[i] === f),
        cvInit,
      ),
      params.patience ?? 80,
    );
    foldModels.push(fit.model);
    curves.push(fit.validationLoss);
    best += fit.initialValidationLoss;
  }
  const length = Math.min(...curves.map((c) => c.length));
  let bestTrees = 0;
  for (let t = 0; t < length; t++) {
    let s = 0;
    for (const c of curves) s += c[t] as number;
    if (s < best - 1e-12) {
      best = s;
      bestTrees = t + 1;
    }
  }
  const oof = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    oof[i] = (foldModels[fold[i] as number] as BoostedTrees).truncate(bestTrees).margin(x[i] as number[]);
  }
  const final = fitBoostedTrees(pick(rows, finalInit), { ...params, maxTrees: bestTrees });
  const model = foldAverage
    ? averageBoostedTrees([...foldModels.map((m) => m.truncate(bestTrees)), final.model])
    : final.model;
  return { bestTrees, oof, model };
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/**
 * Trains the stacked uplift model. Arm offsets are the log-odds of each arm's response rate; shared trees
 * are boosted on every row on top of them; per-arm correction trees are boosted on each arm's rows on top
 * of that. All tree counts come from K-fold validation within the training data, and the starting margins
 * used inside cross-validation are themselves out-of-fold, so no stage is tuned on rows it has seen.
 */
function trainStacked(data: UpliftTrainingData, options: UpliftLearnerOptions): SerializedUpliftModel {
  const { actions, controlAction, folds: k } = options;
  const avg = options.foldAverage ?? false;
  const log = options.log ?? (() => undefined);
  const n = data.x.length;
  const control = actions.indexOf(controlAction);
  if (control < 0) throw new ValidationError('control action missing from actions');
  const fold = stratifiedFolds(data.action, k, options.seed);
  const counts = actions.map(() => 0);
  const sums = actions.map(() => 0);
  for (let i = 0; i < n; i++) {
    const a = data.action[i] as number;
    counts[a] = (counts[a] as number) + 1;
    sums[a] = (sums[a] as number) + (data.y[i] as number);
  }
  if (counts.some((c) => c === 0)) throw new ValidationError('every action needs logged rows', { counts });
  const propensity = counts.map((c) => c / n);
  const offset = sums.map((s, a) => logit(s / (counts[a] as number)));
  const chosenTrees: Record<string, number> = {};

  const rowOffset = Float64Array.from({ length: n }, (_, i) => offset[data.action[i] as number] as number);
  const all = Array.from({ length: n }, (_, i) => i);
  const shared = crossFitBoosted(data.x, data.y, all, fold, k, options.sharedParams, rowOffset, rowOffset, avg);
  chosenTrees['shared'] = shared.bestTrees;
  log(`shared response model: ${shared.bestTrees} trees`);
  const sharedFinal = Float64Array.from(data.x, (xi) => shared.model.margin(xi));

  const armCorrection: Record<string, SerializedBoostedModel> = {};
  const oofResponse: Float64Array[] = [];
  actions.forEach((name, a) => {
    const rows = all.filter((i) => data.action[i] === a);
    const off = offset[a] as number;
    const cvInit = Float64Array.from(shared.oof, (m) => m + off);
    const finalInit = Float64Array.from(sharedFinal, (m) => m + off);
    const cv = crossFitBoosted(data.x, data.y, rows, fold, k, options.armParams, cvInit, finalInit, avg);
    armCorrection[name] = cv.model.toJSON();
    oofResponse.push(Float64Array.from(cv.oof, (m, i) => sigmoid(m + (cvInit[i] as number))));
    chosenTrees[`arm_${name}`] = cv.bestTrees;
    log(`arm correction ${name}: ${rows.length} rows, ${cv.bestTrees} trees`);
  });

  const effect: Record<string, SerializedBoostedModel> = {};
  if (options.effectWeight > 0) {
    const mu0 = oofResponse[control] as Float64Array;
    const p0 = propensity[control] as number;
    actions.forEach((name, a) => {
      if (a === control) return;
      const mua = oofResponse[a] as Float64Array;
      const pa = propensity[a] as number;
      const pseudo = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const y = data.y[i] as number;
        let v = (mua[i] as number) - (mu0[i] as number);
        if (data.action[i] === a) v += (y - (mua[i] as number)) / pa;
        else if (data.action[i] === control) v -= (y - (mu0[i] as number)) / p0;
        pseudo[i] = v;
      }
      const cv = crossFitBoosted(data.x, pseudo, all, fold, k, options.effectParams, undefined, undefined, avg);
      effect[name] = cv.model.toJSON();
      chosenTrees[`effect_${name}`] = cv.bestTrees;
      log(`DR effect model ${name}: ${cv.bestTrees} trees`);
    });
  }

  const json: SerializedUpliftModel = {
    kind: 'offerstream-uplift',
    version: 1,
    target: options.target,
    actions: [...actions],
    controlAction,
    featureNames: [...options.featureNames],
    armOffset: Object.fromEntries(actions.map((a, i) => [a, offset[i] as number])),
    shared: shared.model.toJSON(),
    armCorrection,
    effect,
    effectWeight: options.effectWeight,
    metadata: { trainRows: n, folds: k, seed: options.seed, propensity, chosenTrees },
  };
  return json;
}

/** Each arm's rows shuffled and cut to `fraction`, so every bag keeps the randomized 1/3 design. */
function bagRows(action: ArrayLike<number>, fraction: number, seed: number): number[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < action.length; i++) {
    const a = action[i] as number;
    const g = groups.get(a) ?? [];
    g.push(i);
    groups.set(a, g);
  }
  const rng = new SeededRandom(seed);
  const out: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = rng.shuffle(groups.get(key) as number[]);
    out.push(...g.slice(0, Math.max(1, Math.round(g.length * fraction))));
  }
  return out.sort((a, b) => a - b);
}

function averageJson(
  models: readonly SerializedUpliftModel[],
  trainRows: number,
  options: UpliftLearnerOptions,
): SerializedUpliftModel {
  const first = models[0] as SerializedUpliftModel;
  const mean = (pick: (m: SerializedUpliftModel) => SerializedBoostedModel | undefined): SerializedBoostedModel =>
    averageBoostedTrees(models.map((m) => BoostedTrees.fromJSON(pick(m) as SerializedBoostedModel))).toJSON();
  const treated = first.actions.filter((a) => a !== first.controlAction && first.effect[a]);
  return {
    ...first,
    armOffset: Object.fromEntries(
      first.actions.map((a) => [a, models.reduce((s, m) => s + (m.armOffset[a] as number), 0) / models.length]),
    ),
    shared: mean((m) => m.shared),
    armCorrection: Object.fromEntries(first.actions.map((a) => [a, mean((m) => m.armCorrection[a])])),
    effect: Object.fromEntries(treated.map((a) => [a, mean((m) => m.effect[a])])),
    metadata: {
      trainRows,
      folds: options.folds,
      seed: options.seed,
      bags: models.length,
      bagFraction: options.bagFraction ?? 1,
      foldAverage: options.foldAverage ?? false,
      propensity: first.metadata['propensity'],
      chosenTrees: models.map((m) => m.metadata['chosenTrees']),
    },
  };
}

/**
 * Trains the tree model (stacked T-learner blended with the DR-learner, optionally bagged) and, when
 * `linearWeight` > 0, a logistic regression with arm interactions on all rows whose uplift is blended into
 * the trees' uplift. The two learners make different errors; their average ranks customers more stably.
 */
export function trainUpliftModel(data: UpliftTrainingData, options: UpliftLearnerOptions): StackedUpliftModel {
  const weight = options.linearWeight ?? 0;
  if (!(weight >= 0 && weight <= 1)) throw new ValidationError('linearWeight must be in [0, 1]', { weight });
  const trees = trainTrees(data, options);
  if (weight === 0) return new StackedUpliftModel(trees);
  const linear = fitLinearUplift(
    data.x,
    data.action,
    data.y,
    options.actions.length,
    options.linearParams ?? DEFAULT_LINEAR_PARAMS,
    options.featureNames,
  );
  options.log?.(`linear arm-interaction model blended at weight ${weight}`);
  return new StackedUpliftModel({
    ...trees,
    linear: linear.toJSON(),
    linearWeight: weight,
    metadata: { ...trees.metadata, linearWeight: weight },
  });
}

/**
 * With `bags` > 1 the whole pipeline is repeated on arm-stratified row subsamples with their own folds and
 * seeds and the margins averaged: the uplift signal on Hillstrom is weak, so which customers land in the top
 * 30% moves a lot with the fold assignment and the sampled rows, and averaging cuts that variance.
 */
function trainTrees(data: UpliftTrainingData, options: UpliftLearnerOptions): SerializedUpliftModel {
  const bags = Math.max(1, Math.round(options.bags ?? 1));
  const fraction = options.bagFraction ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw new ValidationError('bagFraction must be in (0, 1]', { fraction });
  if (bags === 1 && fraction === 1) return trainStacked(data, options);
  const log = options.log ?? (() => undefined);
  const members: SerializedUpliftModel[] = [];
  for (let b = 0; b < bags; b++) {
    const seed = options.seed + 7919 * b;
    const rows =
      fraction < 1 ? bagRows(data.action, fraction, seed + 1) : Array.from({ length: data.x.length }, (_, i) => i);
    log(`bag ${b + 1}/${bags}: ${rows.length} rows`);
    const sub: UpliftTrainingData = {
      x: rows.map((i) => data.x[i] as number[]),
      action: rows.map((i) => data.action[i] as number),
      y: rows.map((i) => data.y[i] as number),
    };
    const params = (p: CvBoostingParams): CvBoostingParams => ({ ...p, seed: (p.seed ?? 1) + 101 * b });
    members.push(
      trainStacked(sub, {
        ...options,
        seed,
        sharedParams: params(options.sharedParams),
        armParams: params(options.armParams),
        effectParams: params(options.effectParams),
      }),
    );
  }
  return averageJson(members, data.x.length, options);
}
