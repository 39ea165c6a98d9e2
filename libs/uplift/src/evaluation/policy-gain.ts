import { ValidationError } from '@offerstream/core';
import { importanceWeights } from './policy-value';
import { budgetedAssignment, constantPolicy, deterministicPolicy } from './targeting-policy';

/**
 * The bar's metric: incremental outcome per customer of the learned budgeted policy over sending nothing,
 * divided by that of random targeting with the best single arm at the same budget. Both values are SNIPS
 * estimates on randomized rows, so the ratio needs no outcome model.
 */
export interface TargetingGain {
  readonly learnedInc: number;
  readonly randomInc: number;
  readonly gain: number;
}

/** Importance weights of the three policies the gain compares, on one set of randomized rows. */
export interface GainWeights {
  readonly learned: Float64Array;
  readonly random: Float64Array;
  readonly none: Float64Array;
}

function snips(w: ArrayLike<number>, y: ArrayLike<number>, idx?: ArrayLike<number>): number {
  let sw = 0;
  let swy = 0;
  const m = idx ? idx.length : w.length;
  for (let k = 0; k < m; k++) {
    const i = idx ? (idx[k] as number) : k;
    sw += w[i] as number;
    swy += (w[i] as number) * (y[i] as number);
  }
  return sw === 0 ? 0 : swy / sw;
}

/** `idx` restricts (with repeats) the rows used, which is how the bootstrap resamples. */
export function gainFromWeights(w: GainWeights, y: ArrayLike<number>, idx?: ArrayLike<number>): TargetingGain {
  const none = snips(w.none, y, idx);
  const learnedInc = snips(w.learned, y, idx) - none;
  const randomInc = snips(w.random, y, idx) - none;
  return { learnedInc, randomInc, gain: learnedInc / randomInc };
}

/** The experiment's own assignment rates on these rows: the propensities of a randomized design. */
export function loggedPropensity(logged: ArrayLike<number>, actionCount: number): number[] {
  const counts = new Array<number>(actionCount).fill(0);
  for (let i = 0; i < logged.length; i++) counts[logged[i] as number] = (counts[logged[i] as number] as number) + 1;
  if (counts.some((c) => c === 0))
    throw new ValidationError('every action needs logged rows to value a policy', { counts });
  return counts.map((c) => c / logged.length);
}

/** The treatment with the best response rate on `rows` (training rows: the baseline never sees the scored ones). */
export function bestArmByRate(
  action: ArrayLike<number>,
  y: ArrayLike<number>,
  treatments: readonly number[],
  rows?: readonly number[],
): number {
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  const m = rows ? rows.length : action.length;
  for (let k = 0; k < m; k++) {
    const i = rows ? (rows[k] as number) : k;
    const a = action[i] as number;
    sum.set(a, (sum.get(a) ?? 0) + (y[i] as number));
    count.set(a, (count.get(a) ?? 0) + 1);
  }
  const rate = (a: number): number => (sum.get(a) ?? 0) / Math.max(1, count.get(a) ?? 0);
  return treatments.reduce((best, a) => (rate(a) > rate(best) ? a : best), treatments[0] as number);
}

/**
 * Weights of the learned policy (each row's best treatment, the top `budget` share by uplift treated),
 * of random targeting with `bestArm` at the same budget, and of sending nothing.
 */
export function gainWeights(
  uplift: readonly ArrayLike<number>[],
  treatments: readonly number[],
  control: number,
  logged: ArrayLike<number>,
  propensity: readonly number[],
  budget: number,
  bestArm: number,
): GainWeights {
  const n = logged.length;
  const actions = propensity.length;
  const random = new Array<number>(actions).fill(0);
  random[control] = 1 - budget;
  random[bestArm] = budget;
  const none = new Array<number>(actions).fill(0);
  none[control] = 1;
  const learned = deterministicPolicy(budgetedAssignment(uplift, treatments, control, budget), actions);
  return {
    learned: importanceWeights(learned, logged, propensity),
    random: importanceWeights(constantPolicy(n, random), logged, propensity),
    none: importanceWeights(constantPolicy(n, none), logged, propensity),
  };
}
