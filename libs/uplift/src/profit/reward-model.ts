import { ValidationError } from '@offerstream/core';
import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { rescaleWeights } from '../stats/importance-weights';

export const REWARD_MODEL_VERSION = 'reward-model/1';
export const CONTROL_ACTION = 'none';

export interface RewardModelOptions {
  /** Every action the model scores; actions absent from the data get the prior (pooled mean, wide sd). */
  readonly actions: readonly string[];
  /** Ridge prior precision on the standardized coefficients and the intercept (in units of examples). */
  readonly lambda?: number;
  /** Importance weights 1/p are clipped here so a few unlikely actions cannot dominate a fit. */
  readonly maxWeight?: number;
}

export interface ActionFit {
  /** Logged decisions of this action the fit saw. */
  readonly n: number;
  /** Intercept then one coefficient per standardized feature, on rewards centred at `baseline`. */
  readonly coefficients: number[];
  /** Posterior covariance of the coefficients, row-major, (d + 1) x (d + 1). */
  readonly covariance: number[];
  /** Residual variance of one reward around the fit. */
  readonly noiseVariance: number;
}

/** Plain data: JSON.stringify it to store, `rewardModelFromJSON` to load. */
export interface RewardModelSnapshot {
  readonly version: typeof REWARD_MODEL_VERSION;
  readonly lambda: number;
  readonly maxWeight: number;
  readonly featureMean: number[];
  readonly featureScale: number[];
  /** Mean logged reward: the prior mean of every action, which a thin action is shrunk toward. */
  readonly baseline: number;
  readonly actions: Record<string, ActionFit>;
}

export interface RewardPrediction {
  readonly mean: number;
  /** Posterior sd of the mean (not of one reward): large when the action has little data near x. */
  readonly sd: number;
  readonly n: number;
  /** Sd of this action's mean minus the control's, where the model knows how the two errors are linked. */
  readonly gainSd?: number;
  /**
   * The evidence near x, on the scale of `n`: the action's examples among shoppers like this one (see OfferSupport),
   * where the model knows it. An estimate with enough `n` but little `support` is an extrapolation.
   */
  readonly support?: number;
}

export function finiteVector(x: readonly number[], d: number, what: string): void {
  if (x.length !== d) throw new ValidationError(`${what} has ${x.length} features, expected ${d}`);
  for (const v of x) if (!Number.isFinite(v)) throw new ValidationError(`${what} has a non-finite feature`);
}

export function standardization(examples: readonly LoggedDecision[], d: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const e of examples)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (e.context[j] as number) / examples.length;
  for (const e of examples)
    for (let j = 0; j < d; j++) scale[j] = (scale[j] as number) + ((e.context[j] as number) - (mean[j] as number)) ** 2;
  // A constant feature keeps scale 1 so it standardizes to 0 instead of dividing by zero.
  return { mean, scale: scale.map((s) => (s > 0 ? Math.sqrt(s / examples.length) : 1)) };
}

export function design(x: readonly number[], mean: readonly number[], scale: readonly number[]): number[] {
  return [1, ...x.map((v, j) => (v - (mean[j] as number)) / (scale[j] as number))];
}

/**
 * Ridge fit of one action with a Gaussian prior N(0, noise / lambda) on every coefficient of the centred
 * reward. Weights are rescaled to mean 1 so the prior competes with the action's sample count, not with
 * the size of the clipped inverse propensities; the noise variance gets one pseudo-observation of the
 * pooled reward variance so an action with one or two examples still has a sensible sd.
 */
function fitAction(
  p: number,
  rows: number[][],
  y: number[],
  w: number[],
  lambda: number,
  pooledVariance: number,
): ActionFit {
  const n = rows.length;
  const wn = rescaleWeights(w);
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let r = 0; r < p; r++) a[r * p + r] = lambda;
  rows.forEach((z, i) => {
    const wi = wn[i] as number;
    for (let r = 0; r < p; r++) {
      const wz = wi * (z[r] as number);
      b[r] = (b[r] as number) + wz * (y[i] as number);
      for (let c = r; c < p; c++) a[r * p + c] = (a[r * p + c] as number) + wz * (z[c] as number);
    }
  });
  // Only the upper triangle was summed, so the matrix is exactly symmetric for the Cholesky solve.
  const precision = new Matrix(p, p);
  for (let r = 0; r < p; r++) {
    for (let c = r; c < p; c++) {
      precision.set(r, c, a[r * p + c] as number);
      precision.set(c, r, a[r * p + c] as number);
    }
  }
  const coef = new CholeskyDecomposition(precision).solve(Matrix.columnVector(Array.from(b))).getColumn(0);
  let rss = 0;
  rows.forEach((z, i) => {
    let fit = 0;
    for (let r = 0; r < p; r++) fit += (coef[r] as number) * (z[r] as number);
    rss += (wn[i] as number) * ((y[i] as number) - fit) ** 2;
  });
  const noiseVariance = (rss + pooledVariance) / (n + 1);
  const covariance = inverse(precision).mul(noiseVariance).to1DArray();
  return { n, coefficients: coef, covariance, noiseVariance };
}

/** Per-action model of E[reward | x, a], fitted with clipped inverse-propensity weights (see docs/ope.md). */
export function fitRewardModel(examples: readonly LoggedDecision[], opts: RewardModelOptions): RewardModelSnapshot {
  const lambda = opts.lambda ?? 1;
  const maxWeight = opts.maxWeight ?? 20;
  if (!(lambda > 0)) throw new ValidationError('reward model lambda must be > 0', { lambda });
  if (!(maxWeight >= 1)) throw new ValidationError('reward model maxWeight must be >= 1', { maxWeight });
  if (examples.length === 0) throw new ValidationError('reward model needs at least one logged decision');
  if (!opts.actions.includes(CONTROL_ACTION))
    throw new ValidationError(`reward model actions must include ${CONTROL_ACTION}`);
  const d = examples[0]?.context.length ?? 0;
  examples.forEach((e, i) => {
    finiteVector(e.context, d, `example ${i}`);
    if (!Number.isFinite(e.reward)) throw new ValidationError(`example ${i} has a non-finite reward`);
    if (!(e.propensity > 0 && e.propensity <= 1))
      throw new ValidationError(`example ${i} propensity must be in (0, 1]`);
    if (!opts.actions.includes(e.action))
      throw new ValidationError(`example ${i} has action ${e.action}, not in the model's actions`);
  });
  const { mean, scale } = standardization(examples, d);
  const baseline = examples.reduce((s, e) => s + e.reward, 0) / examples.length;
  const pooledVariance = Math.max(
    examples.reduce((s, e) => s + (e.reward - baseline) ** 2, 0) / examples.length,
    1e-12,
  );
  const actions: Record<string, ActionFit> = {};
  for (const action of opts.actions) {
    const mine = examples.filter((e) => e.action === action);
    actions[action] = fitAction(
      d + 1,
      mine.map((e) => design(e.context, mean, scale)),
      mine.map((e) => e.reward - baseline),
      mine.map((e) => Math.min(1 / e.propensity, maxWeight)),
      lambda,
      pooledVariance,
    );
  }
  return {
    version: REWARD_MODEL_VERSION,
    lambda,
    maxWeight,
    featureMean: mean,
    featureScale: scale,
    baseline,
    actions,
  };
}

/** A linear fit's value at design row z and that value's variance (zᵀ Σ z, floored at 0). */
export function linearPrediction(
  fit: { readonly coefficients: readonly number[]; readonly covariance: readonly number[] },
  z: readonly number[],
): { value: number; variance: number } {
  const p = z.length;
  let value = 0;
  let quad = 0;
  for (let r = 0; r < p; r++) {
    value += (fit.coefficients[r] as number) * (z[r] as number);
    let row = 0;
    for (let c = 0; c < p; c++) row += (fit.covariance[r * p + c] as number) * (z[c] as number);
    quad += (z[r] as number) * row;
  }
  return { value, variance: Math.max(0, quad) };
}

/** Predicted reward of every action of the model at x. */
export function predictRewards(model: RewardModelSnapshot, x: readonly number[]): Record<string, RewardPrediction> {
  finiteVector(x, model.featureMean.length, 'context');
  const z = design(x, model.featureMean, model.featureScale);
  const out: Record<string, RewardPrediction> = {};
  for (const [action, fit] of Object.entries(model.actions)) {
    const { value, variance } = linearPrediction(fit, z);
    out[action] = { mean: model.baseline + value, sd: Math.sqrt(variance), n: fit.n };
  }
  return out;
}

/** Expected incremental profit of each action over no offer: mean(a) - mean('none'). */
export function incrementalProfits(model: RewardModelSnapshot, x: readonly number[]): Record<string, number> {
  const rewards = predictRewards(model, x);
  const control = rewards[CONTROL_ACTION]?.mean ?? 0;
  return Object.fromEntries(Object.entries(rewards).map(([a, r]) => [a, r.mean - control]));
}

function numbers(v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ValidationError(`reward model ${what} must be ${length} finite numbers`);
  }
  return v as number[];
}

/** Loads a stored snapshot (object or JSON text), checking its version and every array's shape. */
export function rewardModelFromJSON(json: unknown): RewardModelSnapshot {
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<
    Record<keyof RewardModelSnapshot, unknown>
  > | null;
  if (o === null || typeof o !== 'object') throw new ValidationError('reward model snapshot must be an object');
  if (o.version !== REWARD_MODEL_VERSION)
    throw new ValidationError(`reward model version ${String(o.version)} is not ${REWARD_MODEL_VERSION}`);
  const d = Array.isArray(o.featureMean) ? o.featureMean.length : -1;
  const featureMean = numbers(o.featureMean, d, 'featureMean');
  const featureScale = numbers(o.featureScale, d, 'featureScale');
  const [lambda, maxWeight, baseline] = numbers(
    [o.lambda, o.maxWeight, o.baseline],
    3,
    'lambda, maxWeight and baseline',
  );
  if (o.actions === null || typeof o.actions !== 'object')
    throw new ValidationError('reward model actions must be an object');
  const actions: Record<string, ActionFit> = {};
  for (const [action, raw] of Object.entries(o.actions as Record<string, Partial<Record<keyof ActionFit, unknown>>>)) {
    const [n, noiseVariance] = numbers([raw.n, raw.noiseVariance], 2, `${action} n and noiseVariance`);
    actions[action] = {
      n: n as number,
      noiseVariance: noiseVariance as number,
      coefficients: numbers(raw.coefficients, d + 1, `${action} coefficients`),
      covariance: numbers(raw.covariance, (d + 1) ** 2, `${action} covariance`),
    };
  }
  if (!actions[CONTROL_ACTION]) throw new ValidationError(`reward model has no ${CONTROL_ACTION} action`);
  return {
    version: REWARD_MODEL_VERSION,
    lambda: lambda as number,
    maxWeight: maxWeight as number,
    featureMean,
    featureScale,
    baseline: baseline as number,
    actions,
  };
}
