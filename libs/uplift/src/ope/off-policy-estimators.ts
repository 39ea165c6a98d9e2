import { ValidationError } from '@offerstream/core';

/** One logged decision: the context seen, the action taken, the probability it was taken with, the reward. */
export interface LoggedDecision {
  readonly context: readonly number[];
  readonly action: string;
  readonly propensity: number;
  readonly reward: number;
  /**
   * Gross profit one purchase earns under each available action, as priced when deciding (margin of what the offer
   * applies to, minus the offer's cost). Present on the decision service's records; the conversion model needs it.
   */
  readonly values?: Readonly<Record<string, number>>;
  /** Whether a purchase was joined to the decision in its window (the conversion model's label). */
  readonly converted?: boolean;
}

/** Probability the evaluated policy gives each action in this context (missing actions count as 0). */
export type TargetPolicy = (context: readonly number[]) => Readonly<Record<string, number>>;
/** Predicted expected reward of an action in a context (for doubly robust estimation). */
export type RewardModel = (context: readonly number[], action: string) => number;

export interface OffPolicyEstimate {
  readonly value: number;
  readonly standardError: number;
  readonly n: number;
  /** (sum w)^2 / sum w^2; small values warn that few logged decisions carry the estimate. */
  readonly effectiveSampleSize: number;
}

function weights(logs: readonly LoggedDecision[], policy: TargetPolicy): Float64Array {
  if (logs.length === 0) throw new ValidationError('off-policy estimation needs at least one logged decision');
  return Float64Array.from(logs, (d) => {
    if (!(d.propensity > 0 && d.propensity <= 1)) {
      throw new ValidationError('logged propensity must be in (0, 1]', { action: d.action, propensity: d.propensity });
    }
    return (policy(d.context)[d.action] ?? 0) / d.propensity;
  });
}

/** (sum w)^2 / sum w^2 of importance weights: how many logged decisions effectively carry an estimate. */
export function effectiveSampleSize(w: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    s += v;
    s2 += v * v;
  }
  return s2 === 0 ? 0 : (s * s) / s2;
}

function meanAndSe(terms: ArrayLike<number>): { mean: number; se: number } {
  const n = terms.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += terms[i] as number;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((terms[i] as number) - mean) ** 2;
  return { mean, se: n > 1 ? Math.sqrt(v / (n - 1) / n) : 0 };
}

/** Inverse propensity scoring: mean of w * r. Unbiased when propensities are correct and positive. */
export function ipsEstimate(logs: readonly LoggedDecision[], policy: TargetPolicy): OffPolicyEstimate {
  const w = weights(logs, policy);
  const { mean, se } = meanAndSe(Float64Array.from(logs, (d, i) => (w[i] as number) * d.reward));
  return { value: mean, standardError: se, n: logs.length, effectiveSampleSize: effectiveSampleSize(w) };
}

/** Self-normalized IPS: sum(w r) / sum(w). Slightly biased, much lower variance with large weights. */
export function snipsEstimate(logs: readonly LoggedDecision[], policy: TargetPolicy): OffPolicyEstimate {
  const w = weights(logs, policy);
  let sw = 0;
  let swr = 0;
  logs.forEach((d, i) => {
    sw += w[i] as number;
    swr += (w[i] as number) * d.reward;
  });
  const value = sw === 0 ? 0 : swr / sw;
  let v = 0;
  logs.forEach((d, i) => {
    v += ((w[i] as number) * (d.reward - value)) ** 2;
  });
  return {
    value,
    standardError: sw === 0 ? 0 : Math.sqrt(v) / sw,
    n: logs.length,
    effectiveSampleSize: effectiveSampleSize(w),
  };
}

/**
 * Doubly robust: model-based value plus an importance-weighted correction of the model's error on the
 * logged action. Unbiased if either the propensities or the reward model are right.
 */
export function doublyRobustEstimate(
  logs: readonly LoggedDecision[],
  policy: TargetPolicy,
  rewardModel: RewardModel,
  actions: readonly string[],
): OffPolicyEstimate {
  const w = weights(logs, policy);
  const terms = Float64Array.from(logs, (d, i) => {
    const pi = policy(d.context);
    let direct = 0;
    for (const a of actions) direct += (pi[a] ?? 0) * rewardModel(d.context, a);
    return direct + (w[i] as number) * (d.reward - rewardModel(d.context, d.action));
  });
  const { mean, se } = meanAndSe(terms);
  return { value: mean, standardError: se, n: logs.length, effectiveSampleSize: effectiveSampleSize(w) };
}
