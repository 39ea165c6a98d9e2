import { ValidationError } from '@offerstream/core';
import { normalQuantile } from '../stats/distributions';
import { summarize } from '../stats/confidence-intervals';
import { CONTROL_ACTION } from '../profit/reward-model';
import { crossFittedRewards } from './cross-fitted-rewards';
import { effectiveSampleSize } from './off-policy-estimators';
import type { DecisionPolicy, OpeDecision } from './ope-decision';

export const OPE_INTERVAL_METHOD =
  'normal: estimate ± z·se, se from the per-decision contributions (delta method for SNIPS)';

export interface EstimateInterval {
  readonly value: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
}

export interface PolicyValue {
  readonly ips: EstimateInterval;
  readonly snips: EstimateInterval;
  readonly dr: EstimateInterval;
  readonly n: number;
  /** (sum w)^2 / sum w^2 of the importance weights. */
  readonly ess: number;
}

export interface PolicyEvaluationOptions {
  readonly folds?: number;
  readonly seed?: number;
  readonly level?: number;
  readonly lambda?: number;
  readonly maxWeight?: number;
}

export interface PolicyEvaluation {
  readonly n: number;
  readonly actions: string[];
  readonly folds: number;
  readonly level: number;
  readonly interval: string;
  readonly policies: Record<string, PolicyValue>;
  /** Present when the decisions carry a segment: the same per-decision terms, averaged per segment. */
  readonly segments?: Record<string, { n: number; policies: Record<string, PolicyValue> }>;
}

/** Per-decision contributions of one policy: importance weight, IPS term (w r) and doubly robust term. */
export interface PolicyTerms {
  readonly weight: Float64Array;
  readonly ips: Float64Array;
  readonly dr: Float64Array;
}

/**
 * DR term: sum_a pi(a) q(a) + w (r - q(logged)). It needs the policy's whole distribution; where the policy
 * only knows part of it (the logging policy without the candidates' probabilities) the term is the IPS one,
 * which is unbiased on its own.
 */
export function policyTerms(
  decisions: readonly OpeDecision[],
  policy: DecisionPolicy,
  predictions: readonly Readonly<Record<string, number>>[],
): PolicyTerms {
  const n = decisions.length;
  const weight = new Float64Array(n);
  const ips = new Float64Array(n);
  const dr = new Float64Array(n);
  decisions.forEach((d, i) => {
    const q = predictions[i] ?? {};
    const pi = policy(d, q);
    const w = (pi[d.action] ?? 0) / d.propensity;
    weight[i] = w;
    ips[i] = w * d.reward;
    let mass = 0;
    let direct = 0;
    for (const [a, p] of Object.entries(pi)) {
      mass += p;
      direct += p * (q[a] ?? 0);
    }
    dr[i] = mass > 1 - 1e-6 ? direct + w * (d.reward - (q[d.action] ?? 0)) : w * d.reward;
  });
  return { weight, ips, dr };
}

export function normalInterval(value: number, se: number, level: number): EstimateInterval {
  const z = normalQuantile(1 - (1 - level) / 2);
  return { value, se, lower: value - z * se, upper: value + z * se };
}

function meanInterval(terms: ArrayLike<number>, level: number): EstimateInterval {
  const s = summarize(terms);
  return normalInterval(s.mean, Math.sqrt(s.variance / s.n), level);
}

function pick(values: Float64Array, rows: readonly number[] | null): Float64Array {
  return rows === null ? values : Float64Array.from(rows, (i) => values[i] as number);
}

function policyValue(
  decisions: readonly OpeDecision[],
  t: PolicyTerms,
  rows: readonly number[] | null,
  level: number,
): PolicyValue {
  const w = pick(t.weight, rows);
  const ips = pick(t.ips, rows);
  const rewards =
    rows === null ? decisions.map((d) => d.reward) : rows.map((i) => (decisions[i] as OpeDecision).reward);
  let sw = 0;
  let swr = 0;
  w.forEach((wi, i) => {
    sw += wi;
    swr += ips[i] as number;
  });
  const snips = sw === 0 ? 0 : swr / sw;
  let v = 0;
  w.forEach((wi, i) => {
    v += (wi * ((rewards[i] as number) - snips)) ** 2;
  });
  return {
    ips: meanInterval(ips, level),
    snips: normalInterval(snips, sw === 0 ? 0 : Math.sqrt(v) / sw, level),
    dr: meanInterval(pick(t.dr, rows), level),
    n: w.length,
    ess: effectiveSampleSize(w),
  };
}

/** Every action seen in the decisions (available or executed): no offer first, then sorted. */
export function actionsOf(decisions: readonly OpeDecision[]): string[] {
  const seen = new Set<string>();
  for (const d of decisions) {
    seen.add(d.action);
    for (const a of d.available) seen.add(a);
  }
  seen.delete(CONTROL_ACTION);
  return [CONTROL_ACTION, ...[...seen].sort()];
}

/**
 * IPS, SNIPS and doubly robust value of each policy on the logged decisions, with normal intervals. The DR
 * reward model (and the `model` policy) is cross-fitted: each decision is scored by a model fitted on the
 * other folds only.
 */
export function evaluatePolicies(
  decisions: readonly OpeDecision[],
  policies: Readonly<Record<string, DecisionPolicy>>,
  opts: PolicyEvaluationOptions = {},
): PolicyEvaluation {
  const folds = opts.folds ?? 5;
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new ValidationError('confidence level must be in (0, 1)', { level });
  decisions.forEach((d, i) => {
    if (!(d.propensity > 0 && d.propensity <= 1))
      throw new ValidationError(`decision ${i}: propensity must be in (0, 1]`, { propensity: d.propensity });
  });
  const actions = actionsOf(decisions);
  const { predictions } = crossFittedRewards(decisions, {
    actions,
    folds,
    seed: opts.seed ?? 1,
    ...(opts.lambda === undefined ? {} : { lambda: opts.lambda }),
    ...(opts.maxWeight === undefined ? {} : { maxWeight: opts.maxWeight }),
  });
  const terms = Object.entries(policies).map(
    ([name, policy]) => [name, policyTerms(decisions, policy, predictions)] as const,
  );
  const values = (rows: readonly number[] | null): Record<string, PolicyValue> =>
    Object.fromEntries(terms.map(([name, t]) => [name, policyValue(decisions, t, rows, level)]));
  const bySegment = new Map<string, number[]>();
  decisions.forEach((d, i) => {
    if (d.segment === undefined) return;
    const rows = bySegment.get(d.segment);
    if (rows) rows.push(i);
    else bySegment.set(d.segment, [i]);
  });
  const segments =
    bySegment.size === 0
      ? undefined
      : Object.fromEntries(
          [...bySegment]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([s, rows]) => [s, { n: rows.length, policies: values(rows) }]),
        );
  return {
    n: decisions.length,
    actions,
    folds,
    level,
    interval: OPE_INTERVAL_METHOD,
    policies: values(null),
    ...(segments ? { segments } : {}),
  };
}
