import { ValidationError } from '@offerstream/core';
import { stratifiedFolds } from './cross-fitting';
import { type BoostedTrees, fitBoostedTrees, sigmoid, type BoostingParams, type SerializedBoostedModel } from './gradient-boosting';
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
  readonly log?: (message: string) => void;
}

export const DEFAULT_LEARNER_OPTIONS: Omit<UpliftLearnerOptions, 'actions' | 'controlAction' | 'featureNames' | 'target'> = {
  folds: 5,
  seed: 42,
  sharedParams: { loss: 'logistic', maxTrees: 400, learningRate: 0.05, maxDepth: 3, minChildWeight: 30, lambda: 10, subsample: 0.8 },
  armParams: { loss: 'logistic', maxTrees: 300, learningRate: 0.03, maxDepth: 2, minChildWeight: 30, lambda: 10, subsample: 0.8 },
  effectParams: { loss: 'squared', maxTrees: 300, learningRate: 0.03, maxDepth: 2, minChildWeight: 800, lambda: 50, subsample: 0.8 },
  effectWeight: 0.5,
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
      pick(rows.filter((i) => fold[i] !== f), cvInit),
      { ...params, seed: (params.seed ?? 1) + f },
      pick(rows.filter((i) => fold[i] === f), cvInit),
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
  return { bestTrees, oof, model: final.model };
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
export function trainUpliftModel(data: UpliftTrainingData, options: UpliftLearnerOptions): StackedUpliftModel {
  const { actions, controlAction, folds: k } = options;
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
  const shared = crossFitBoosted(data.x, data.y, all, fold, k, options.sharedParams, rowOffset, rowOffset);
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
    const cv = crossFitBoosted(data.x, data.y, rows, fold, k, options.armParams, cvInit, finalInit);
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
      const cv = crossFitBoosted(data.x, pseudo, all, fold, k, options.effectParams);
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
  return new StackedUpliftModel(json);
}
