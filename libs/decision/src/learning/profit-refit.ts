import { ValidationError } from '@offerstream/core';
import {
  conversionScorer,
  fitConversionModel,
  shouldPromote,
  withCandidateChoices,
  type ConversionModelSnapshot,
  type OpeDecision,
  type PromotionDecision,
  type RangedFeatureSpec,
} from '@offerstream/uplift';
import type { JoinedDecision } from './decision-outcome.store';

export interface ProfitRefitOptions {
  /** Newest share of the joined decisions held out for the promotion check. */
  readonly heldOutShare: number;
  readonly lambda: number;
  /** Prior precision of an offer's conversion coefficients around no offer's (the neutral prior's strength). */
  readonly offerLambda: number | readonly number[];
  /** Prior precision of the pooled "any offer" level around no offer's; each offer shrinks toward that level. */
  readonly poolLambda?: number | readonly number[];
  /** Bins of the no-offer likelihood whose effect each offer learns (conversion model's `baselineBins`). */
  readonly baselineBins?: number;
  /** Share of the offers' prior strength on their intercepts and baseline bins (a list: chosen by CV). */
  readonly weakShrinkage?: number | readonly number[];
  /** Feature pairs whose products the model adds (conversion model's `interactions`). */
  readonly interactions?: readonly (readonly [number, number])[];
  /** Range groups from which behaviour segments are learned (conversion model's `segmentGroups`). */
  readonly segmentGroups?: readonly (readonly number[])[];
  /** Features cut into ranges at their quantiles, one more segment group each (conversion model's `rangedFeatures`). */
  readonly rangedFeatures?: readonly RangedFeatureSpec[];
  /** Groups of weights the segments count (conversion model's `segmentCountGroups`). */
  readonly segmentCountGroups?: readonly (readonly number[])[];
  /** Fit the segments to responses too and take offers' effects from them (conversion model's `segmentResponses`). */
  readonly segmentResponses?: boolean;
  /** Members of the bag served and the share of the log each is fitted on (conversion model's `bags`, `bagShare`). */
  readonly bags?: number;
  readonly bagShare?: number;
  readonly maxWeight: number;
  /** How the policy serves a model (POLICY_CAUTION, POLICY_MIN_ACTION_EXAMPLES): promotion judges that policy. */
  readonly caution: number;
  readonly minActionExamples: number;
}

export interface ProfitRefitInput extends ProfitRefitOptions {
  readonly decisions: readonly JoinedDecision[];
  readonly current: ConversionModelSnapshot | null;
}

export interface ProfitRefitResult {
  readonly promotion: PromotionDecision;
  /** Fitted on every decision once the candidate fitted without the held-out ones passed the check. */
  readonly model?: ConversionModelSnapshot;
  readonly train: number;
  readonly heldOut: number;
}

/** A joined decision as the estimators see it. */
export function opeDecision(d: JoinedDecision): OpeDecision {
  return {
    context: d.features,
    action: d.action,
    propensity: d.propensity,
    reward: d.reward,
    ...(d.values !== undefined ? { values: d.values } : {}),
    ...(d.converted !== undefined ? { converted: d.converted } : {}),
    available: Object.keys(d.available).length > 0 ? Object.keys(d.available) : [d.action],
    ...(Object.keys(d.available).length > 0 && !d.holdout ? { loggingProbabilities: d.available } : {}),
    ...(d.segment !== undefined ? { segment: d.segment } : {}),
  };
}

/**
 * One refit: a candidate is fitted on all but the newest decisions and judged against the model in use by doubly
 * robust estimates on those newest ones (off-policy evaluation, never on decisions it was fitted on). Only a
 * candidate that passes is refitted on everything and returned for publication.
 */
export function refitProfitModel(input: ProfitRefitInput): ProfitRefitResult {
  // Records from before decisions carried their values cannot train the conversion model.
  const all = input.decisions.map(opeDecision).filter((d) => d.values !== undefined && d.converted !== undefined);
  if (all.length < 10)
    throw new ValidationError('profit refit needs at least 10 joined decisions with values', { usable: all.length });
  const actions = [...new Set(['none', ...all.flatMap((d) => d.available)])];
  const cut = Math.max(1, Math.floor(all.length * (1 - input.heldOutShare)));
  const train = all.slice(0, cut);
  const heldOut = all.slice(cut);
  const opts = {
    actions,
    lambda: input.lambda,
    offerLambda: input.offerLambda,
    ...(input.poolLambda !== undefined ? { poolLambda: input.poolLambda } : {}),
    ...(input.baselineBins !== undefined ? { baselineBins: input.baselineBins } : {}),
    ...(input.weakShrinkage !== undefined ? { weakShrinkage: input.weakShrinkage } : {}),
    ...(input.interactions !== undefined ? { interactions: input.interactions } : {}),
    ...(input.segmentGroups !== undefined ? { segmentGroups: input.segmentGroups } : {}),
    ...(input.rangedFeatures !== undefined ? { rangedFeatures: input.rangedFeatures } : {}),
    ...(input.segmentCountGroups !== undefined ? { segmentCountGroups: input.segmentCountGroups } : {}),
    ...(input.segmentResponses === true ? { segmentResponses: true } : {}),
    ...(input.bags !== undefined ? { bags: input.bags } : {}),
    ...(input.bagShare !== undefined ? { bagShare: input.bagShare } : {}),
    maxWeight: input.maxWeight,
  };
  const candidate = fitConversionModel(train, opts);
  const current = input.current === null ? null : conversionScorer(input.current);
  const promotion = shouldPromote(heldOut, conversionScorer(candidate), current, {
    caution: input.caution,
    minExamples: input.minActionExamples,
  });
  return {
    promotion,
    train: train.length,
    heldOut: heldOut.length,
    ...(promotion.promote ? { model: fitConversionModel(all, withCandidateChoices(opts, candidate)) } : {}),
  };
}
