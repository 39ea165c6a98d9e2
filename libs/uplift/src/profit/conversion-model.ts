import { ValidationError } from '@offerstream/core';
import { Matrix } from 'ml-matrix';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { noneLink, priorPull } from './gain-uncertainty';
import { fitLogit, sigmoid, type ConversionFit } from './penalized-logit';
import {
  baselineLogit,
  nonePrecision,
  offerPrecision,
  quantileEdges,
  withBaselineBins,
  type OfferDesign,
} from './offer-design';
import { offerSupport } from './offer-support';
import { choicesOf, fitBag } from './conversion-bag';
import { selectShrinkage } from './shrinkage-selection';
import { fitBehaviourSegments } from './logged-segments';
import { modelFeatures } from './model-features';
import { fitRangeOffsets } from './range-offsets';
import { fitRangedFeatures, rangeGroups, withRanges, type RangedFeature } from './ranged-features';

export type { ConversionFit } from './penalized-logit';
import { CONTROL_ACTION, design, finiteVector, standardization } from './reward-model';

export * from './conversion-model.types';
export { DEFAULT_BAG_SHARE } from './conversion-bag';
import {
  CONVERSION_MODEL_VERSION,
  NO_POOLING,
  type ConversionModelOptions,
  type ConversionModelSnapshot,
} from './conversion-model.types';

const DEFAULT_BASELINE_BINS = 0;
const DEFAULT_WEAK_SHRINKAGE = 1;
/** Largest inverse-propensity weight of a logged decision: an exploration draw at 5% counts 20 times, no more. */
const DEFAULT_MAX_WEIGHT = 20;

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
  given: readonly LoggedDecision[],
  options: ConversionModelOptions,
): ConversionModelSnapshot {
  return fitBag(given, options, fitOne);
}

/** One fit (one member of a bag). */
function fitOne(given: readonly LoggedDecision[], options: ConversionModelOptions): ConversionModelSnapshot {
  const specs = given.length > 0 ? (options.rangedFeatures ?? []) : [];
  if (specs.length === 0) return fitWidened(given, options, undefined);
  const ranged = fitRangedFeatures(
    given.map((e) => e.context),
    specs,
  );
  const raw = given[0]?.context.length ?? 0;
  const logged = given.map((e) => ({ ...e, context: withRanges(e.context, ranged) }));
  const groups = options.segmentGroups ?? [];
  // A feature that did not vary (no shopper has a price level yet) has one range: nothing for segments to learn.
  const varied = rangeGroups(raw, ranged).filter((g) => g.length > 1);
  const opts = { ...options, ...(groups.length > 0 ? { segmentGroups: [...groups, ...varied] } : {}) };
  return fitWidened(logged, opts, ranged);
}

/** The fit on contexts that already carry the ranged features' indicators. */
function fitWidened(
  logged: readonly LoggedDecision[],
  opts: ConversionModelOptions,
  ranged: RangedFeature[] | undefined,
): ConversionModelSnapshot {
  const pairs = (opts.interactions ?? []).map(([i, j]) => [i, j] as [number, number]);
  const raw = logged[0]?.context.length ?? 0;
  if (!pairs.every((pair) => pair.every((k) => Number.isInteger(k) && k >= 0 && k < raw)))
    throw new ValidationError('conversion model interactions must pair feature indexes of the context', { pairs });
  const segmentFit =
    opts.segmentGroups && opts.segmentGroups.length > 0 && logged.length > 0
      ? fitBehaviourSegments(logged, [...opts.segmentGroups, ...(opts.segmentCountGroups ?? [])], {
          counted: [...opts.segmentGroups.map(() => false), ...(opts.segmentCountGroups ?? []).map(() => true)],
          ...(opts.segmentResponses === true ? { actions: opts.actions } : {}),
          ...(opts.segmentCount !== undefined ? { count: opts.segmentCount } : {}),
          ...(opts.doseOrder ? { doses: opts.doseOrder } : {}),
          ...(opts.segmentCounts ? { counts: opts.segmentCounts } : {}),
          ...(opts.segmentSeed !== undefined ? { seed: opts.segmentSeed } : {}),
          ...(opts.segmentWeights === true ? { maxWeight: opts.maxWeight ?? DEFAULT_MAX_WEIGHT } : {}),
        })
      : undefined;
  const segments = segmentFit?.model;
  const examples =
    pairs.length === 0 && !segments
      ? logged
      : logged.map((e) => ({ ...e, context: modelFeatures(e.context, pairs, segments) }));
  const lambda = opts.lambda ?? 1;
  const grid = {
    offer: typeof opts.offerLambda === 'number' ? [opts.offerLambda] : (opts.offerLambda ?? [20]),
    pool: typeof opts.poolLambda === 'number' ? [opts.poolLambda] : (opts.poolLambda ?? [NO_POOLING]),
  };
  const weakGrid =
    typeof opts.weakShrinkage === 'number' ? [opts.weakShrinkage] : (opts.weakShrinkage ?? [DEFAULT_WEAK_SHRINKAGE]);
  const maxWeight = opts.maxWeight ?? DEFAULT_MAX_WEIGHT;
  const bins = opts.baselineBins ?? DEFAULT_BASELINE_BINS;
  if (!(lambda > 0) || [grid.offer, grid.pool, weakGrid].some((g) => g.length === 0 || !g.every((l) => l > 0)))
    throw new ValidationError('conversion model lambdas and weakShrinkage must be > 0', {
      lambda,
      offerLambda: opts.offerLambda,
      poolLambda: opts.poolLambda,
      weakShrinkage: opts.weakShrinkage,
    });
  if (!(Number.isInteger(bins) && bins >= 0 && bins <= 50))
    throw new ValidationError('conversion model baselineBins must be an integer in [0, 50]', { bins });
  if (!(maxWeight >= 1)) throw new ValidationError('conversion model maxWeight must be >= 1', { maxWeight });
  const d = checkExamples(examples, opts.actions);
  const { mean, scale } = standardization(examples, d);
  const weights = examples.map((e) => Math.min(1 / e.propensity, maxWeight));
  const own = examples.map((e) => design(e.context, mean, scale));
  // Bins of the no-offer logit, from a no-offer fit on the plain rows: the fit the model's no offer repeats (its bin
  // coefficients are pinned at 0), so serving computes the same bins from the stored no-offer coefficients.
  const noneIdx = examples.flatMap((e, i) => (e.action === CONTROL_ACTION ? [i] : []));
  const baseline =
    bins > 1
      ? fitLogit(
          noneIdx.map((i) => own[i] as number[]),
          noneIdx.map((i) => examples[i]?.converted === true),
          noneIdx.map((i) => weights[i] as number),
          new Array<number>(d + 1).fill(0),
          lambda,
        ).coefficients
      : undefined;
  const etas = own.map((z) => (baseline ? baselineLogit(baseline, z, d + 1) : 0));
  const baselineEdges = baseline ? quantileEdges(etas, bins) : [];
  const layout = (weakShrinkage: number): OfferDesign => ({
    p: d + 1,
    baselineEdges,
    weakShrinkage,
    weakFeatures: segments?.shares.length ?? 0,
  });
  const rows = own.map((z, i) => withBaselineBins(z, etas[i] as number, layout(1)));
  const selection =
    grid.offer.length * grid.pool.length * weakGrid.length > 1
      ? selectShrinkage(
          examples,
          rows,
          weights,
          { ...grid, weak: weakGrid },
          lambda,
          layout,
          opts.effectiveWeights === true,
        )
      : { pool: grid.pool[0] as number, offer: grid.offer[0] as number, weak: weakGrid[0] as number };
  const chosen = layout(selection.weak);
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
  const fitOf = (idx: number[], prior: readonly number[], lam: number | readonly number[]): ConversionFit =>
    fitLogit(
      idx.map((i) => rows[i] as number[]),
      idx.map((i) => examples[i]?.converted === true),
      idx.map((i) => weights[i] as number),
      prior,
      lam,
      opts.effectiveWeights === true,
    );
  const offers = opts.actions.filter((a) => a !== CONTROL_ACTION);
  // The same levels as in the cross-validation (fitOfferLevels), kept whole here for their covariances.
  const q = rows[0]?.length ?? d + 1;
  const none = fitOf(byAction(new Set([CONTROL_ACTION])), new Array<number>(q).fill(0), nonePrecision(chosen, lambda));
  const poolPrecision = offerPrecision(chosen, selection.pool);
  const offerPrec = offerPrecision(chosen, selection.offer);
  const pooled = fitOf(byAction(new Set(offers)), none.coefficients, poolPrecision);
  const actions: Record<string, ConversionFit> = { [CONTROL_ACTION]: none };
  const noneLinks: Record<string, number[]> = {};
  for (const a of offers) {
    const own = fitOf(byAction(new Set([a])), pooled.coefficients, offerPrec);
    actions[a] = withPriorUncertainty(own, pooled.covariance, offerPrec);
    noneLinks[a] = noneLink(own.covariance, offerPrec, pooled.covariance, poolPrecision);
  }
  const noneEtas = rows.map((z) => baselineLogit(none.coefficients, z, d + 1));
  // Offsets are fitted on the model's own predictions (the action's logit on each row).
  const rangeOffsets =
    opts.segmentGroups && opts.segmentGroups.length > 0 && opts.rangeOffsets !== false
      ? fitRangeOffsets(
          logged.map((e, i) => ({
            context: e.context,
            action: e.action,
            converted: e.converted === true,
            p: sigmoid(baselineLogit((actions[e.action] as ConversionFit).coefficients, rows[i] as number[], q)),
          })),
          opts.segmentGroups,
        )
      : undefined;
  return {
    version: CONVERSION_MODEL_VERSION,
    lambda,
    offerLambda: selection.offer,
    poolLambda: selection.pool,
    ...(baselineEdges.length > 0 ? { baselineEdges } : {}),
    weakShrinkage: selection.weak,
    ...('deviance' in selection && selection.deviance ? { offerLambdaDeviance: selection.deviance } : {}),
    maxWeight,
    featureMean: mean,
    featureScale: scale,
    extraPerPurchase: buyers > 0 ? extra / buyers : 0,
    actions,
    noneLinks,
    ...(pairs.length > 0 ? { interactions: pairs } : {}),
    ...(segments ? { segments } : {}),
    ...(segmentFit?.countDeviance ? { segmentCountDeviance: segmentFit.countDeviance } : {}),
    ...(rangeOffsets ? { rangeOffsets } : {}),
    ...(ranged ? { rangedFeatures: ranged } : {}),
    support: offerSupport(
      noneEtas,
      examples.map((e) => e.action),
    ),
  };
}

/**
 * The options with what a fit chose from the data fixed: its shrinkage (cross-validated) and its segment count
 * (AIC), per member for a bag. A refit that judged a candidate fitted on part of the log fits the whole log with the
 * candidate's choices instead of searching again: the searches are most of a fit, and the service's next decisions
 * should not wait for them twice.
 */
export function withCandidateChoices(
  options: ConversionModelOptions,
  chosen: ConversionModelSnapshot,
): ConversionModelOptions {
  const own = choicesOf(chosen, NO_POOLING, DEFAULT_WEAK_SHRINKAGE);
  const members = chosen.members?.map((m) => choicesOf(m, NO_POOLING, DEFAULT_WEAK_SHRINKAGE));
  return { ...options, ...own, ...(members ? { memberChoices: members } : {}) };
}

/**
 * An offer's coefficients move with the pooled level they are shrunk toward (by lambda x its covariance), so that
 * level's uncertainty is added to the offer's: an offer known mostly through the others' evidence is not
 * mistaken for a well-measured one.
 */
function withPriorUncertainty(
  fit: ConversionFit,
  priorCovariance: readonly number[],
  lambda: number | readonly number[],
): ConversionFit {
  const p = fit.coefficients.length;
  const own = Matrix.from1DArray(p, p, fit.covariance);
  const pull = priorPull(fit.covariance, lambda);
  const added = pull.mmul(Matrix.from1DArray(p, p, [...priorCovariance])).mmul(pull.transpose());
  return { ...fit, covariance: own.add(added).to1DArray() };
}
export * from './conversion-predict';
