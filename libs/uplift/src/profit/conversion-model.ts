import { ValidationError } from '@offerstream/core';
import { Matrix } from 'ml-matrix';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitLogit, sigmoid, type ConversionFit } from './penalized-logit';
import { selectShrinkage } from './shrinkage-selection';

export type { ConversionFit } from './penalized-logit';
import { CONTROL_ACTION, design, finiteVector, standardization, type RewardPrediction } from './reward-model';

export const CONVERSION_MODEL_VERSION = 'conversion-model/1';

/** A pooled-level strength so large that the pooled level stays at no offer's coefficients. */
export const NO_POOLING = 1e6;

export interface ConversionModelOptions {
  readonly actions: readonly string[];
  /** Prior precision of the no-offer model's coefficients around 0 (in units of examples). */
  readonly lambda?: number;
  /**
   * Prior precision of each offer's coefficients around the no-offer model's: the neutral prior (an offer does not
   * change the odds of buying) that only evidence moves. Larger means more evidence is needed. A list is a grid to
   * choose from by cross-validation on the examples (see selectShrinkage).
   */
  readonly offerLambda?: number | readonly number[];
  /**
   * Prior precision of the pooled offer level (what any offer does, learned from all offers together) around no
   * offer; each offer is then shrunk toward that level by `offerLambda`. A list is a grid, chosen jointly with
   * `offerLambda`. The default, 1e6, pins the pooled level to no offer: every offer shrinks straight toward it.
   */
  readonly poolLambda?: number | readonly number[];
  readonly maxWeight?: number;
}

/** Plain data: JSON.stringify it to store, `conversionModelFromJSON` to load. */
export interface ConversionModelSnapshot {
  readonly version: typeof CONVERSION_MODEL_VERSION;
  readonly lambda: number;
  readonly offerLambda: number;
  /** Absent in snapshots from before the pooled level (they behave as 1e6: no pooling). */
  readonly poolLambda?: number;
  /** Held-out deviance per offer example of each candidate pair `pool/offer`, when chosen by cross-validation. */
  readonly offerLambdaDeviance?: Readonly<Record<string, number>>;
  readonly maxWeight: number;
  readonly featureMean: number[];
  readonly featureScale: number[];
  /** Mean gross profit of a converted decision beyond the priced value of its action (other items in the order). */
  readonly extraPerPurchase: number;
  readonly actions: Record<string, ConversionFit>;
}

function checkExamples(examples: readonly LoggedDecision[], actions: readonly string[]): number {
  if (examples.length === 0) throw new ValidationError('conversion model needs at least one logged decision');
  if (!actions.includes(CONTROL_ACTION))
    throw new ValidationError(`conversion model actions must include ${CONTROL_ACTION}`);
  const d = examples[0]?.context.length ?? 0;
  examples.forEach((e, i) => {
    finiteVector(e.context, d, `example ${i}`);
    if (e.converted === undefined || e.values === undefined)
      throw new ValidationError(`example ${i} lacks values or converted: the conversion model needs both`);
    if (!(e.propensity > 0 && e.propensity <= 1))
      throw new ValidationError(`example ${i} propensity must be in (0, 1]`);
    if (!actions.includes(e.action))
      throw new ValidationError(`example ${i} has action ${e.action}, not in the model's actions`);
  });
  return d;
}

/**
 * P(purchase | x, action) per action, the no-offer model first and every offer shrunk toward it, so that with no
 * evidence an offer changes nothing and costs its discount on the purchases that happen anyway. Expected profit is
 * then that probability times what a purchase earns under the action, which is known when deciding: the model
 * learns a bounded, scale-free quantity, and an offer's worth follows the price and margin of what it applies to.
 */
export function fitConversionModel(
  examples: readonly LoggedDecision[],
  opts: ConversionModelOptions,
): ConversionModelSnapshot {
  const lambda = opts.lambda ?? 1;
  const grid = {
    offer: typeof opts.offerLambda === 'number' ? [opts.offerLambda] : (opts.offerLambda ?? [20]),
    pool: typeof opts.poolLambda === 'number' ? [opts.poolLambda] : (opts.poolLambda ?? [NO_POOLING]),
  };
  const maxWeight = opts.maxWeight ?? 20;
  if (!(lambda > 0) || [grid.offer, grid.pool].some((g) => g.length === 0 || !g.every((l) => l > 0)))
    throw new ValidationError('conversion model lambdas must be > 0', {
      lambda,
      offerLambda: opts.offerLambda,
      poolLambda: opts.poolLambda,
    });
  if (!(maxWeight >= 1)) throw new ValidationError('conversion model maxWeight must be >= 1', { maxWeight });
  const d = checkExamples(examples, opts.actions);
  const { mean, scale } = standardization(examples, d);
  const rows = examples.map((e) => design(e.context, mean, scale));
  const weights = examples.map((e) => Math.min(1 / e.propensity, maxWeight));
  const selection =
    grid.offer.length * grid.pool.length > 1
      ? selectShrinkage(examples, rows, weights, grid, lambda)
      : { pool: grid.pool[0] as number, offer: grid.offer[0] as number };
  let extra = 0;
  let buyers = 0;
  for (const e of examples) {
    const v = e.values?.[e.action];
    if (e.converted && v !== undefined && Number.isFinite(e.reward)) {
      extra += e.reward - v;
      buyers++;
    }
  }
  const byAction = (actions: ReadonlySet<string>): number[] =>
    examples.flatMap((e, i) => (actions.has(e.action) ? [i] : []));
  const fitOf = (idx: number[], prior: readonly number[], lam: number): ConversionFit =>
    fitLogit(
      idx.map((i) => rows[i] as number[]),
      idx.map((i) => examples[i]?.converted === true),
      idx.map((i) => weights[i] as number),
      prior,
      lam,
    );
  const offers = opts.actions.filter((a) => a !== CONTROL_ACTION);
  // The same levels as in the cross-validation (fitOfferLevels), kept whole here for their covariances.
  const none = fitOf(byAction(new Set([CONTROL_ACTION])), new Array<number>(d + 1).fill(0), lambda);
  const pooled = fitOf(byAction(new Set(offers)), none.coefficients, selection.pool);
  const actions: Record<string, ConversionFit> = { [CONTROL_ACTION]: none };
  for (const a of offers)
    actions[a] = withPriorUncertainty(
      fitOf(byAction(new Set([a])), pooled.coefficients, selection.offer),
      pooled.covariance,
      selection.offer,
    );
  return {
    version: CONVERSION_MODEL_VERSION,
    lambda,
    offerLambda: selection.offer,
    poolLambda: selection.pool,
    ...('deviance' in selection && selection.deviance ? { offerLambdaDeviance: selection.deviance } : {}),
    maxWeight,
    featureMean: mean,
    featureScale: scale,
    extraPerPurchase: buyers > 0 ? extra / buyers : 0,
    actions,
  };
}

/**
 * An offer's coefficients move with the pooled level they are shrunk toward (by lambda x its covariance), so that
 * level's uncertainty is added to the offer's: an offer known mostly through the others' evidence is not
 * mistaken for a well-measured one.
 */
function withPriorUncertainty(fit: ConversionFit, priorCovariance: readonly number[], lambda: number): ConversionFit {
  const p = fit.coefficients.length;
  const own = Matrix.from1DArray(p, p, fit.covariance);
  const pull = own.clone().mul(lambda);
  const added = pull.mmul(Matrix.from1DArray(p, p, [...priorCovariance])).mmul(pull.transpose());
  return { ...fit, covariance: own.add(added).to1DArray() };
}

/** P(purchase) of every action at x, with the standard error of that probability. */
export function predictConversions(
  model: ConversionModelSnapshot,
  x: readonly number[],
): Record<string, { p: number; sd: number; n: number }> {
  finiteVector(x, model.featureMean.length, 'context');
  const z = design(x, model.featureMean, model.featureScale);
  const p = z.length;
  const out: Record<string, { p: number; sd: number; n: number }> = {};
  for (const [action, fit] of Object.entries(model.actions)) {
    let eta = 0;
    let quad = 0;
    for (let r = 0; r < p; r++) {
      eta += (fit.coefficients[r] as number) * (z[r] as number);
      let row = 0;
      for (let c = 0; c < p; c++) row += (fit.covariance[r * p + c] as number) * (z[c] as number);
      quad += (z[r] as number) * row;
    }
    const prob = sigmoid(eta);
    // Delta method: the logit's sd carried through the sigmoid's slope.
    out[action] = { p: prob, sd: prob * (1 - prob) * Math.sqrt(Math.max(0, quad)), n: fit.n };
  }
  return out;
}

/**
 * Expected gross profit of each action whose value is given: P(purchase | x, a) x (value of a purchase under a +
 * the model's extra profit per purchase). Actions without a value (not available here) are left out.
 */
export function predictProfits(
  model: ConversionModelSnapshot,
  x: readonly number[],
  values: Readonly<Record<string, number>>,
): Record<string, RewardPrediction> {
  const conv = predictConversions(model, x);
  const out: Record<string, RewardPrediction> = {};
  for (const [action, c] of Object.entries(conv)) {
    const v = values[action];
    if (v === undefined || !Number.isFinite(v)) continue;
    const worth = v + model.extraPerPurchase;
    out[action] = { mean: c.p * worth, sd: c.sd * Math.abs(worth), n: c.n };
  }
  return out;
}

function numbers(v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new ValidationError(`conversion model ${what} must be ${length} finite numbers`);
  return v as number[];
}

/** Loads a stored snapshot (object or JSON text), checking its version and every array's shape. */
export function conversionModelFromJSON(json: unknown): ConversionModelSnapshot {
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<
    Record<keyof ConversionModelSnapshot, unknown>
  > | null;
  if (o === null || typeof o !== 'object') throw new ValidationError('conversion model snapshot must be an object');
  if (o.version !== CONVERSION_MODEL_VERSION)
    throw new ValidationError(`conversion model version ${String(o.version)} is not ${CONVERSION_MODEL_VERSION}`);
  const d = Array.isArray(o.featureMean) ? o.featureMean.length : -1;
  const [lambda, offerLambda, maxWeight, extraPerPurchase] = numbers(
    [o.lambda, o.offerLambda, o.maxWeight, o.extraPerPurchase],
    4,
    'lambda, offerLambda, maxWeight and extraPerPurchase',
  ) as [number, number, number, number];
  if (o.actions === null || typeof o.actions !== 'object')
    throw new ValidationError('conversion model actions must be an object');
  const actions: Record<string, ConversionFit> = {};
  for (const [action, raw] of Object.entries(
    o.actions as Record<string, Partial<Record<keyof ConversionFit, unknown>>>,
  )) {
    const [n, conversions] = numbers([raw.n, raw.conversions], 2, `${action} n and conversions`) as [number, number];
    actions[action] = {
      n,
      conversions,
      coefficients: numbers(raw.coefficients, d + 1, `${action} coefficients`),
      covariance: numbers(raw.covariance, (d + 1) ** 2, `${action} covariance`),
    };
  }
  if (!actions[CONTROL_ACTION]) throw new ValidationError(`conversion model has no ${CONTROL_ACTION} action`);
  return {
    version: CONVERSION_MODEL_VERSION,
    lambda,
    offerLambda,
    ...(o.poolLambda === undefined ? {} : { poolLambda: numbers([o.poolLambda], 1, 'poolLambda')[0] }),
    maxWeight,
    featureMean: numbers(o.featureMean, d, 'featureMean'),
    featureScale: numbers(o.featureScale, d, 'featureScale'),
    extraPerPurchase,
    actions,
  };
}
