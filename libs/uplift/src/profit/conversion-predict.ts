import { baselineLogit, withBaselineBins } from './offer-design';
import { localEvidence } from './offer-support';
import { gainSd } from './gain-uncertainty';
import { sigmoid, type ConversionFit } from './penalized-logit';
import { modelFeatures } from './model-features';
import { rangeOffset } from './range-offsets';
import { withRanges } from './ranged-features';
import { segmentEffect } from './segment-response';
import { CONTROL_ACTION, design, finiteVector, linearPrediction, type RewardPrediction } from './reward-model';
import type { ConversionModelSnapshot } from './conversion-model.types';
import { averagePredictions } from './conversion-bag';

/** The design row every action's coefficients apply to: intercept, standardized features, baseline bins. */
function modelRow(model: ConversionModelSnapshot, context: readonly number[]): number[] {
  const x = modelFeatures(context, model.interactions, model.segments);
  finiteVector(x, model.featureMean.length, 'context');
  const z = design(x, model.featureMean, model.featureScale);
  const edges = model.baselineEdges ?? [];
  if (edges.length === 0) return z;
  const none = model.actions[CONTROL_ACTION] as ConversionFit;
  const layout = { p: z.length, baselineEdges: edges, weakShrinkage: 1 };
  return withBaselineBins(z, baselineLogit(none.coefficients, z, z.length), layout);
}

/** One action's logit at a design row: its value, its variance, and the part of it an offer's segment effect adds. */
interface ActionLogit {
  readonly eta: number;
  readonly variance: number;
  readonly n: number;
  /** With segment responses: variance of the offer's effect over no offer (its logit is no offer's plus that). */
  readonly effectVariance?: number;
}

function actionLogits(
  model: ConversionModelSnapshot,
  x: readonly number[],
  z: readonly number[],
): Record<string, ActionLogit> {
  const out: Record<string, ActionLogit> = {};
  for (const [action, fit] of Object.entries(model.actions)) {
    // The range offset moves the mean; its sd is not added (a point correction, shrunk by its own prior).
    const { value, variance } = linearPrediction(fit, z);
    out[action] = { eta: rangeOffset(model.rangeOffsets, x, action) + value, variance, n: fit.n };
  }
  const none = out[CONTROL_ACTION];
  if (!model.segments?.response || !none) return out;
  for (const [action, own] of Object.entries(out)) {
    const effect = action === CONTROL_ACTION ? undefined : segmentEffect(model.segments, x, action);
    if (effect)
      out[action] = {
        eta: none.eta + effect.logOdds,
        variance: none.variance + effect.variance,
        n: own.n,
        effectVariance: effect.variance,
      };
  }
  return out;
}

/** P(purchase) of every action at x, with the standard error of that probability. */
export function predictConversions(
  model: ConversionModelSnapshot,
  context: readonly number[],
): Record<string, { p: number; sd: number; n: number }> {
  if (model.members) {
    const asMeans = model.members.map((m) =>
      Object.fromEntries(Object.entries(predictConversions(m, context)).map(([a, e]) => [a, { ...e, mean: e.p }])),
    );
    const avg = averagePredictions(asMeans, model.bagShare ?? 1);
    return Object.fromEntries(Object.entries(avg).map(([a, e]) => [a, { p: e.mean, sd: e.sd, n: e.n }]));
  }
  const x = withRanges(context, model.rangedFeatures);
  const out: Record<string, { p: number; sd: number; n: number }> = {};
  for (const [action, l] of Object.entries(actionLogits(model, x, modelRow(model, x)))) {
    const prob = sigmoid(l.eta);
    // Delta method: the logit's sd carried through the sigmoid's slope.
    out[action] = { p: prob, sd: prob * (1 - prob) * Math.sqrt(l.variance), n: l.n };
  }
  return out;
}

/**
 * Expected gross profit of each action whose value is given: P(purchase | x, a) x (value of a purchase under a +
 * the model's extra profit per purchase). Actions without a value (not available here) are left out.
 */
export function predictProfits(
  model: ConversionModelSnapshot,
  context: readonly number[],
  values: Readonly<Record<string, number>>,
): Record<string, RewardPrediction> {
  if (!model.members) return predictOne(model, context, values);
  const perMember = model.members.map((m) => predictOne(m, context, values));
  return averagePredictions(perMember, model.bagShare ?? 1);
}

function predictOne(
  model: ConversionModelSnapshot,
  context: readonly number[],
  values: Readonly<Record<string, number>>,
): Record<string, RewardPrediction> {
  const x = withRanges(context, model.rangedFeatures);
  const z = modelRow(model, x);
  const logits = actionLogits(model, x, z);
  const noneFit = model.actions[CONTROL_ACTION] as ConversionFit;
  const noneEta = baselineLogit(noneFit.coefficients, z, model.featureMean.length + 1);
  const noneLogit = logits[CONTROL_ACTION];
  const noneValue = values[CONTROL_ACTION];
  const noneSide =
    noneLogit && noneValue !== undefined && Number.isFinite(noneValue)
      ? { p: sigmoid(noneLogit.eta), worth: noneValue + model.extraPerPurchase, covariance: noneFit.covariance }
      : undefined;
  const out: Record<string, RewardPrediction> = {};
  for (const [action, l] of Object.entries(logits)) {
    const v = values[action];
    if (v === undefined || !Number.isFinite(v)) continue;
    const worth = v + model.extraPerPurchase;
    const p = sigmoid(l.eta);
    const link = model.noneLinks?.[action];
    const fit = model.actions[action] as ConversionFit;
    const slope = p * (1 - p) * worth;
    // With a segment effect the offer's logit is no offer's plus the effect: no offer's error moves both sides.
    const sdOfGain =
      noneSide && l.effectVariance !== undefined
        ? Math.sqrt(
            (slope - noneSide.p * (1 - noneSide.p) * noneSide.worth) ** 2 * (noneLogit?.variance ?? 0) +
              slope ** 2 * l.effectVariance,
          )
        : link && noneSide
          ? gainSd(z, { p, worth, covariance: fit.covariance }, link, noneSide)
          : undefined;
    out[action] = {
      mean: p * worth,
      sd: p * (1 - p) * Math.sqrt(l.variance) * Math.abs(worth),
      n: l.n,
      ...(model.support ? { support: Math.min(l.n, localEvidence(model.support, action, noneEta)) } : {}),
      ...(sdOfGain !== undefined ? { gainSd: sdOfGain } : {}),
    };
  }
  return out;
}
