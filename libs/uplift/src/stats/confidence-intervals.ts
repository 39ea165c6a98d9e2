import { ValidationError } from '@offerstream/core';
import { normalQuantile, studentTQuantile } from './distributions';

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
}

function checkCount(successes: number, trials: number, label: string): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials <= 0 || successes < 0 || successes > trials) {
    throw new ValidationError(`${label}: need integers 0 <= successes <= trials, trials > 0`, { successes, trials });
  }
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new ValidationError('confidence level must be in (0, 1)', { level });
}

/** Wilson score interval for one proportion (stays inside [0, 1] and behaves at 0 or n successes). */
export function wilsonInterval(successes: number, trials: number, level = 0.95): Interval {
  checkCount(successes, trials, 'wilsonInterval');
  checkLevel(level);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  // At 0 or n successes the bound is exactly 0 or 1; the closed form only reaches it up to rounding.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === trials ? 1 : Math.min(1, centre + half);
  return { estimate: p, lower, upper, level };
}

/**
 * Difference of two proportions p1 - p2 (treated minus holdout). `newcombe` is Newcombe's hybrid score
 * interval built from the two Wilson intervals (method 10 of Newcombe 1998), reliable for rare conversions;
 * `wald` is the textbook normal approximation.
 */
export function proportionDifferenceInterval(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  level = 0.95,
  method: 'newcombe' | 'wald' = 'newcombe',
): Interval {
  checkCount(successes1, trials1, 'proportionDifferenceInterval group 1');
  checkCount(successes2, trials2, 'proportionDifferenceInterval group 2');
  checkLevel(level);
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const d = p1 - p2;
  if (method === 'wald') {
    const z = normalQuantile(1 - (1 - level) / 2);
    const se = Math.sqrt((p1 * (1 - p1)) / trials1 + (p2 * (1 - p2)) / trials2);
    return { estimate: d, lower: d - z * se, upper: d + z * se, level };
  }
  const w1 = wilsonInterval(successes1, trials1, level);
  const w2 = wilsonInterval(successes2, trials2, level);
  const lower = d - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2);
  const upper = d + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2);
  return { estimate: d, lower, upper, level };
}

export interface SampleSummary {
  readonly mean: number;
  /** Unbiased sample variance (n - 1 denominator). */
  readonly variance: number;
  readonly n: number;
}

export function summarize(values: ArrayLike<number>): SampleSummary {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i] as number;
  const mean = n ? s / n : 0;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((values[i] as number) - mean) ** 2;
  return { mean, variance: n > 1 ? v / (n - 1) : 0, n };
}

/** Welch interval for mean1 - mean2 with Welch-Satterthwaite degrees of freedom (unequal variances). */
export function welchInterval(
  group1: SampleSummary,
  group2: SampleSummary,
  level = 0.95,
): Interval & { readonly df: number } {
  checkLevel(level);
  if (group1.n < 2 || group2.n < 2)
    throw new ValidationError('welchInterval needs at least two observations per group');
  const v1 = group1.variance / group1.n;
  const v2 = group2.variance / group2.n;
  const se = Math.sqrt(v1 + v2);
  const d = group1.mean - group2.mean;
  if (se === 0) return { estimate: d, lower: d, upper: d, level, df: Infinity };
  const df = (v1 + v2) ** 2 / ((v1 * v1) / (group1.n - 1) + (v2 * v2) / (group2.n - 1));
  const t = studentTQuantile(1 - (1 - level) / 2, df);
  return { estimate: d, lower: d - t * se, upper: d + t * se, level, df };
}

/** Incremental conversion of a treated group over its holdout, as counts. */
export function incrementalConversionInterval(
  treated: { conversions: number; customers: number },
  holdout: { conversions: number; customers: number },
  level = 0.95,
): Interval {
  return proportionDifferenceInterval(
    treated.conversions,
    treated.customers,
    holdout.conversions,
    holdout.customers,
    level,
  );
}

/** Incremental revenue per customer of a treated group over its holdout (Welch on per-customer revenue). */
export function incrementalRevenueInterval(
  treatedRevenue: ArrayLike<number>,
  holdoutRevenue: ArrayLike<number>,
  level = 0.95,
): Interval & { readonly df: number } {
  return welchInterval(summarize(treatedRevenue), summarize(holdoutRevenue), level);
}
