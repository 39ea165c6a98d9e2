import { ValidationError } from '@offerstream/core';
import { stratifiedFolds } from '../model/cross-fitting';
import type { UpliftCandidate } from '../model/uplift-candidates';
import type { UpliftTrainingData } from '../model/uplift-learner';
import { bestArmByRate, gainFromWeights, gainWeights, loggedPropensity } from './policy-gain';

/**
 * Why a rule and not "highest mean": on Hillstrom the held-out gain of one split is ±0.2, so the model with
 * the best mean over five folds is often just the luckiest. A tuned-on-dev blend scored 1.31x and then 1.05x
 * on unseen data, no better than one LR per arm; complexity has to earn its place on every fold.
 */
export const SELECTION_RULE =
  'K-fold cross-validation inside the training data only (folds stratified by arm, seeded); each candidate is fitted on K-1 folds ' +
  "and scored on the held-out fold by the bar's metric (gain in incremental outcome over random targeting with the best arm at the " +
  'budget, SNIPS on the randomized rows, best arm taken from the fitting folds). Candidates are ordered simplest first and the ' +
  'simplest is the default; going up in complexity, a candidate replaces the current choice only if its mean fold gain exceeds the ' +
  "current choice's by more than its own fold-to-fold standard error (sd of its K fold gains / sqrt(K)) AND it beats the current " +
  'choice on at least ceil(0.8 K) folds (4 of 5).';

export interface SelectionOptions {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly folds: number;
  readonly seed: number;
  readonly budget: number;
  readonly log?: (message: string) => void;
}

export interface CandidateScore {
  readonly name: string;
  readonly description: string;
  /** Held-out gain over random targeting, one per fold. */
  readonly folds: number[];
  readonly mean: number;
  /** Fold-to-fold standard error of the mean: sd(folds) / sqrt(K). */
  readonly se: number;
}

export interface SelectionComparison {
  readonly candidate: string;
  readonly against: string;
  readonly meanDiff: number;
  readonly candidateSe: number;
  readonly foldWins: number;
  readonly folds: number;
  readonly winsNeeded: number;
  readonly accepted: boolean;
}

export interface ModelSelection {
  readonly rule: string;
  readonly folds: number;
  readonly seed: number;
  readonly budget: number;
  readonly candidates: CandidateScore[];
  readonly comparisons: SelectionComparison[];
  readonly chosen: string;
  readonly reason: string;
}

function meanAndSe(v: readonly number[]): { mean: number; se: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.length > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) : 0;
  return { mean, se: Math.sqrt(variance / v.length) };
}

function subset(data: UpliftTrainingData, rows: readonly number[]): UpliftTrainingData {
  return {
    x: rows.map((i) => data.x[i] as readonly number[]),
    action: rows.map((i) => data.action[i] as number),
    y: rows.map((i) => data.y[i] as number),
  };
}

/** Held-out fold gains of every candidate; every candidate sees the same folds, so fold scores are paired. */
export function crossValidateCandidates(
  data: UpliftTrainingData,
  candidates: readonly UpliftCandidate[],
  options: SelectionOptions,
): CandidateScore[] {
  const k = options.folds;
  if (!(Number.isInteger(k) && k >= 2)) throw new ValidationError('folds must be an integer >= 2', { folds: k });
  const control = options.actions.indexOf(options.controlAction);
  if (control < 0) throw new ValidationError('control action missing from actions');
  const treatments = options.actions.map((_, a) => a).filter((a) => a !== control);
  const fold = stratifiedFolds(data.action, k, options.seed);
  const scores = candidates.map(() => [] as number[]);
  for (let f = 0; f < k; f++) {
    const fitRows: number[] = [];
    const heldRows: number[] = [];
    for (let i = 0; i < data.x.length; i++) (fold[i] === f ? heldRows : fitRows).push(i);
    const fit = subset(data, fitRows);
    const held = subset(data, heldRows);
    const logged = Int32Array.from(held.action as number[]);
    const propensity = loggedPropensity(logged, options.actions.length);
    const bestArm = bestArmByRate(fit.action, fit.y, treatments);
    candidates.forEach((candidate, c) => {
      const model = candidate.train(fit, options.seed + 1000 * (f + 1));
      const uplift = treatments.map(() => new Float64Array(heldRows.length));
      held.x.forEach((x, i) => {
        const u = model.predictUplift(x);
        treatments.forEach((a, t) => {
          (uplift[t] as Float64Array)[i] = u[options.actions[a] as string] ?? 0;
        });
      });
      const w = gainWeights(uplift, treatments, control, logged, propensity, options.budget, bestArm);
      const gain = gainFromWeights(w, held.y).gain;
      (scores[c] as number[]).push(gain);
      options.log?.(`fold ${f + 1}/${k} ${candidate.name}: gain ${gain.toFixed(4)}`);
    });
  }
  return candidates.map((candidate, c) => ({
    name: candidate.name,
    description: candidate.description,
    folds: scores[c] as number[],
    ...meanAndSe(scores[c] as number[]),
  }));
}

/** Applies SELECTION_RULE to fold scores listed simplest first. */
export function chooseRobustlyBetter(scores: readonly CandidateScore[]): {
  chosen: string;
  reason: string;
  comparisons: SelectionComparison[];
} {
  const first = scores[0];
  if (!first) throw new ValidationError('model selection needs at least one candidate');
  let current = first;
  let reason = `${first.name} is the simplest candidate and no more complex one beat it robustly`;
  const comparisons: SelectionComparison[] = [];
  for (const next of scores.slice(1)) {
    const k = next.folds.length;
    const winsNeeded = Math.ceil(0.8 * k);
    const foldWins = next.folds.filter((g, f) => g > (current.folds[f] as number)).length;
    const meanDiff = next.mean - current.mean;
    const accepted = meanDiff > next.se && foldWins >= winsNeeded;
    comparisons.push({
      candidate: next.name,
      against: current.name,
      meanDiff,
      candidateSe: next.se,
      foldWins,
      folds: k,
      winsNeeded,
      accepted,
    });
    if (accepted) {
      reason = `${next.name} beat ${current.name} by ${meanDiff.toFixed(4)} on the mean (> its fold SE ${next.se.toFixed(4)}) and on ${foldWins} of ${k} folds`;
      current = next;
    }
  }
  if (current === first && comparisons.length > 0) {
    const why = comparisons
      .map(
        (c) =>
          `${c.candidate}: mean ${c.meanDiff >= 0 ? '+' : ''}${c.meanDiff.toFixed(4)} vs its SE ${c.candidateSe.toFixed(4)}, won ${c.foldWins} of ${c.folds} folds, ${c.winsNeeded} needed`,
      )
      .join('; ');
    reason = `${first.name} kept, the simplest candidate: no more complex one beat it robustly (${why})`;
  }
  return { chosen: current.name, reason, comparisons };
}

/** Cross-validates the candidates on the training data (the only data this function receives) and applies the rule. */
export function selectUpliftModel(
  data: UpliftTrainingData,
  candidates: readonly UpliftCandidate[],
  options: SelectionOptions,
): ModelSelection {
  const scores = crossValidateCandidates(data, candidates, options);
  const { chosen, reason, comparisons } = chooseRobustlyBetter(scores);
  return {
    rule: SELECTION_RULE,
    folds: options.folds,
    seed: options.seed,
    budget: options.budget,
    candidates: scores,
    comparisons,
    chosen,
    reason,
  };
}
