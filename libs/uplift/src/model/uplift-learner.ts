import { ValidationError } from '@offerstream/core';
import { stratifiedFolds } from './cross-fitting';
import { BoostedTrees, fitBoostedTrees, type BoostingParams, type SerializedBoostedModel } from './gradient-boosting';
import { BlendedUpliftModel, type SerializedUpliftModel } from './uplift-model';

export interface UpliftTrainingData {
  readonly x: readonly (readonly number[])[];
  /** Index into `actions` of the logged (randomized) action. */
  readonly action: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

export interface UpliftLearnerOptions {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
  readonly target: string;
  readonly folds: number;
  readonly seed: number;
  readonly responseParams: Partial<BoostingParams>;
  readonly effectParams: Partial<BoostingParams>;
  /** Weight of the DR-learner effect model against the T-learner difference. */
  readonly effectWeight: number;
  readonly log?: (message: string) => void;
}

export const DEFAULT_LEARNER_OPTIONS: Omit<UpliftLearnerOptions, 'actions' | 'controlAction' | 'featureNames' | 'target'> = {
  folds: 5,
  seed: 42,
  responseParams: { loss: 'logistic', maxTrees: 400, learningRate: 0.05, maxDepth: 3, minChildWeight: 30, lambda: 10, subsample: 0.8 },
  effectParams: { loss: 'squared', maxTrees: 300, learningRate: 0.03, maxDepth: 2, minChildWeight: 800, lambda: 50, subsample: 0.8 },
  effectWeight: 0.5,
};

interface CvResult {
  readonly bestTrees: number;
  /** Out-of-fold predictions (each row predicted by the model that did not see its fold). */
  readonly oof: Float64Array;
  readonly model: BoostedTrees;
}

/**
 * K-fold early stopping: every fold fits on the other folds with its own fold as validation; the number of
 * trees minimising the mean validation curve is used for the out-of-fold predictions and the final refit on
 * all rows. `rows` restricts fitting to a subset (one arm) while predictions are made for every row.
 */
function crossFitBoosted(
  x: readonly (readonly number[])[],
  y: ArrayLike<number>,
  rows: readonly number[],
  fold: Int32Array,
  k: number,
  params: Partial<BoostingParams>,
): CvResult {
  const foldModels: BoostedTrees[] = [];
  const curves: number[][] = [];
  for (let f = 0; f < k; f++) {
    const trainRows = rows.filter((i) => fold[i] !== f);
    const validRows = rows.filter((i) => fold[i] === f);
    const fit = fitBoostedTrees(
      { x: trainRows.map((i) => x[i] as number[]), y: trainRows.map((i) => y[i] as number) },
      { ...params, seed: (params.seed ?? 1) + f },
      { x: validRows.map((i) => x[i] as number[]), y: validRows.map((i) => y[i] as number) },
      1_000_000,
    );
    foldModels.push(fit.model);
    curves.push(fit.validationLoss);
  }
  const length = Math.min(...curves.map((c) => c.length));
  let bestTrees = 1;
  let best = Infinity;
  for (let t = 0; t < length; t++) {
    let s = 0;
    for (const c of curves) s += c[t] as number;
    if (s < best) {
      best = s;
      bestTrees = t + 1;
    }
  }
  const oof = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    oof[i] = (foldModels[fold[i] as number] as BoostedTrees).truncate(bestTrees).predict(x[i] as number[]);
  }
  const final = fitBoostedTrees(
    { x: rows.map((i) => x[i] as number[]), y: rows.map((i) => y[i] as number) },
    { ...params, maxTrees: bestTrees },
  );
  return { bestTrees, oof, model: final.model };
}

/**
 * Trains the blended T-learner / DR-learner. Outcome models are cross-fitted so that the doubly robust
 * pseudo-outcomes of a row never use a model that saw that row; tree counts come from K-fold validation on
 * the training data only.
 */
export function trainUpliftModel(data: UpliftTrainingData, options: UpliftLearnerOptions): BlendedUpliftModel {
  const { actions, controlAction, folds: k } = options;
  const log = options.log ?? (() => undefined);
  const n = data.x.length;
  const control = actions.indexOf(controlAction);
  if (control < 0) throw new ValidationError('control action missing from actions');
  const fold = stratifiedFolds(data.action, k, options.seed);
  const propensity = actions.map((_, a) => {
    let c = 0;
    for (let i = 0; i < n; i++) if (data.action[i] === a) c++;
    return c / n;
  });
  if (propensity.some((p) => p === 0)) throw new ValidationError('every action needs logged rows', { propensity });

  const response: Record<string, SerializedBoostedModel> = {};
  const oof: Float64Array[] = [];
  const chosenTrees: Record<string, number> = {};
  actions.forEach((name, a) => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (data.action[i] === a) rows.push(i);
    const cv = crossFitBoosted(data.x, data.y, rows, fold, k, options.responseParams);
    response[name] = cv.model.toJSON();
    oof.push(cv.oof);
    chosenTrees[`response_${name}`] = cv.bestTrees;
    log(`response model ${name}: ${rows.length} rows, ${cv.bestTrees} trees`);
  });

  const effect: Record<string, SerializedBoostedModel> = {};
  if (options.effectWeight > 0) {
    const all = Array.from({ length: n }, (_, i) => i);
    const mu0 = oof[control] as Float64Array;
    const p0 = propensity[control] as number;
    actions.forEach((name, a) => {
      if (a === control) return;
      const mua = oof[a] as Float64Array;
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
      log(`effect model ${name}: ${cv.bestTrees} trees`);
    });
  }

  const json: SerializedUpliftModel = {
    kind: 'offerstream-uplift',
    version: 1,
    target: options.target,
    actions: [...actions],
    controlAction,
    featureNames: [...options.featureNames],
    response,
    effect,
    effectWeight: options.effectWeight,
    metadata: { trainRows: n, folds: k, seed: options.seed, propensity, chosenTrees },
  };
  return new BlendedUpliftModel(json);
}
