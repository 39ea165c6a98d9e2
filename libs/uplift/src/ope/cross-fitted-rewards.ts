import { ValidationError } from '@offerstream/core';
import { stratifiedFolds } from '../model/cross-fitting';
import { fitConversionModel } from '../profit/conversion-model';
import { fitRewardModel } from '../profit/reward-model';
import type { OpeDecision } from './ope-decision';
import { conversionScorer, ridgeScorer, type ActionScorer } from './standard-policies';

export interface CrossFitOptions {
  readonly actions: readonly string[];
  readonly folds: number;
  readonly seed: number;
  readonly lambda?: number;
  readonly maxWeight?: number;
}

export interface CrossFittedRewards {
  /** Fold of each decision; its predictions come from the model fitted on every other fold. */
  readonly fold: Int32Array;
  /** Predicted mean reward of every action, per decision. */
  readonly predictions: Record<string, number>[];
}

/**
 * Out-of-fold reward predictions: k models, each fitted on k - 1 folds and asked only about the held-out
 * fold, so no decision is ever scored by a model that saw its reward (a model would otherwise absorb its
 * own noise and the doubly robust correction would shrink toward zero). Folds are balanced per logged action. Logs
 * whose every decision carries its values and conversion get the conversion model (the one the decision service
 * serves); others the per-action ridge on the reward.
 */
export function crossFittedRewards(decisions: readonly OpeDecision[], opts: CrossFitOptions): CrossFittedRewards {
  const k = opts.folds;
  if (!Number.isInteger(k) || k < 2)
    throw new ValidationError('cross-fitting needs an integer number of folds >= 2', { folds: k });
  if (decisions.length < k)
    throw new ValidationError(`cross-fitting ${k} folds needs at least ${k} decisions`, { n: decisions.length });
  const index = new Map(opts.actions.map((a, i) => [a, i]));
  const fold = stratifiedFolds(
    Int32Array.from(decisions, (d) => index.get(d.action) ?? -1),
    k,
    opts.seed,
  );
  const predictions = new Array<Record<string, number>>(decisions.length);
  for (let f = 0; f < k; f++) {
    const train = decisions.filter((_, i) => fold[i] !== f);
    const score = fitScorer(train, opts);
    decisions.forEach((d, i) => {
      if (fold[i] !== f) return;
      predictions[i] = Object.fromEntries(Object.entries(score(d)).map(([a, r]) => [a, r.mean]));
    });
  }
  return { fold, predictions };
}

function fitScorer(train: readonly OpeDecision[], opts: CrossFitOptions): ActionScorer {
  const settings = {
    actions: opts.actions,
    ...(opts.lambda === undefined ? {} : { lambda: opts.lambda }),
    ...(opts.maxWeight === undefined ? {} : { maxWeight: opts.maxWeight }),
  };
  return train.every((d) => d.values !== undefined && d.converted !== undefined)
    ? conversionScorer(fitConversionModel(train, settings))
    : ridgeScorer(fitRewardModel(train, settings));
}
