/**
 * Off-policy value of a (possibly stochastic) targeting policy on randomized data. `policy[i][a]` is the
 * probability the policy gives action a to row i; `logged[i]` is the action the experiment actually took and
 * `propensity[a]` the probability the experiment used for action a.
 */
export interface PolicyValueEstimate {
  /** Self-normalized IPS: sum(w y) / sum(w). */
  readonly snips: number;
  /** Delta-method standard error of the SNIPS estimate. */
  readonly snipsSe: number;
  /** Plain IPS: sum(w y) / n. */
  readonly ips: number;
  readonly ipsSe: number;
  /** Effective sample size (sum w)^2 / sum w^2. */
  readonly effectiveN: number;
}

export function importanceWeights(
  policy: readonly ArrayLike<number>[],
  logged: ArrayLike<number>,
  propensity: ArrayLike<number>,
): Float64Array {
  const w = new Float64Array(logged.length);
  for (let i = 0; i < logged.length; i++) {
    const a = logged[i] as number;
    w[i] = ((policy[i] as ArrayLike<number>)[a] as number) / (propensity[a] as number);
  }
  return w;
}

export function estimateFromWeights(w: ArrayLike<number>, y: ArrayLike<number>): PolicyValueEstimate {
  const n = w.length;
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    sw += wi;
    sw2 += wi * wi;
    swy += wi * (y[i] as number);
  }
  const snips = sw === 0 ? 0 : swy / sw;
  const ips = swy / n;
  let vs = 0;
  let vi = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    const yi = y[i] as number;
    vs += wi * wi * (yi - snips) ** 2;
    vi += (wi * yi - ips) ** 2;
  }
  return {
    snips,
    snipsSe: sw === 0 ? 0 : Math.sqrt(vs) / sw,
    ips,
    ipsSe: n > 1 ? Math.sqrt(vi / (n - 1) / n) : 0,
    effectiveN: sw2 === 0 ? 0 : (sw * sw) / sw2,
  };
}

export function estimatePolicyValue(
  policy: readonly ArrayLike<number>[],
  logged: ArrayLike<number>,
  propensity: ArrayLike<number>,
  outcome: ArrayLike<number>,
): PolicyValueEstimate {
  return estimateFromWeights(importanceWeights(policy, logged, propensity), outcome);
}
