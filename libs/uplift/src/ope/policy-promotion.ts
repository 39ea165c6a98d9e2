import { ValidationError } from '@offerstream/core';
import { summarize } from '../stats/confidence-intervals';
import { crossFittedRewards } from './cross-fitted-rewards';
import type { OpeDecision } from './ope-decision';
import { actionsOf, normalInterval, policyTerms, type EstimateInterval } from './policy-evaluation';
import { greedyPolicy, nonePolicy, type ActionScorer } from './standard-policies';

export interface PromotionOptions {
  readonly folds?: number;
  readonly seed?: number;
  readonly level?: number;
  /** How the models are served (see greedyPolicy): both are judged as the policy that would actually run. */
  readonly caution?: number;
  readonly minExamples?: number;
}

export interface PromotionDecision {
  readonly promote: boolean;
  readonly reason: string;
  readonly n: number;
  /** DR value of the candidate's greedy policy and of the current one (no offer when there is none). */
  readonly candidate: EstimateInterval;
  readonly current: EstimateInterval;
  /** Paired DR difference candidate - current over the same decisions. */
  readonly difference: EstimateInterval;
  /** Paired DR difference candidate - no offer. */
  readonly overNone: EstimateInterval;
  /** Paired DR difference current - no offer (0 when there is no current model: it is no offer). */
  readonly currentOverNone: EstimateInterval;
}

function paired(a: Float64Array, b: Float64Array, level: number): EstimateInterval {
  const s = summarize(a.map((v, i) => v - (b[i] as number)));
  return normalInterval(s.mean, Math.sqrt(s.variance / s.n), level);
}

function mean(terms: Float64Array, level: number): EstimateInterval {
  const s = summarize(terms);
  return normalInterval(s.mean, Math.sqrt(s.variance / s.n), level);
}

/**
 * The rule on the three paired estimates. A candidate fitted on more of the same log replaces the model in use unless
 * off-policy evaluation says it is reliably worse than making no offers while the model in use is not and scores
 * higher on the same decisions. Its difference from the model in use is not gated on by itself: the held-out
 * decisions were made by that model, so they support its choices and rarely the candidate's, and where the DR reward
 * model (shrunk toward "offers change nothing") fills the gap it values every departure at no offer's level. Gated on,
 * it kept refits with twice the data out for rounds while profit stalled (docs/benchmarks.md). But a candidate the
 * test rates above the model in use is not held back for having the narrower interval of the two (lathe 282,
 * docs/ope.md), nor where both fail the no-offer test (forge 235): the model in use is then no safer than the newer
 * fit.
 */
export function promotionVerdict(
  overNone: EstimateInterval,
  currentOverNone: EstimateInterval,
  difference: EstimateInterval,
): { readonly promote: boolean; readonly reason: string } {
  if (overNone.upper >= 0) {
    if (difference.lower >= 0)
      return { promote: true, reason: 'candidate beats current (lower bound of the difference >= 0)' };
    if (difference.upper < 0)
      return {
        promote: true,
        reason: 'candidate estimated worse than current on decisions current made (not gated; see docs/ope.md)',
      };
    return { promote: true, reason: 'candidate not reliably worse than no offer' };
  }
  if (currentOverNone.upper < 0)
    return {
      promote: true,
      reason: 'candidate and current both reliably worse than no offer: the newer fit is served',
    };
  if (difference.value >= 0)
    return {
      promote: true,
      reason: 'candidate reliably worse than no offer but estimated no worse than current: the newer fit is served',
    };
  return { promote: false, reason: 'candidate reliably worse than no offer (upper bound over none < 0)' };
}

/**
 * Should the live trainer replace `current` with `candidate`? Both are judged, as they would be served (caution,
 * minimum examples), by doubly robust estimates on `heldOut`, decisions neither model was fitted on; the DR reward
 * model is cross-fitted within `heldOut`, so it favours neither. Rule (promotionVerdict, docs/ope.md): promote unless
 * candidate - no offer has its upper bound below 0 while current - no offer does not and current scores higher on the
 * same decisions; candidate - current is reported. A stricter rule (promote only on a point or reliable gain) kept
 * better-trained models out on the market simulator for rounds at a time: on an early log the held-out differences are
 * noise of either sign. The second (non-inferiority to the model in use) did too, for a bias, not noise: see
 * promotionVerdict.
 */
export function shouldPromote(
  heldOut: readonly OpeDecision[],
  candidate: ActionScorer,
  current: ActionScorer | null,
  opts: PromotionOptions = {},
): PromotionDecision {
  const level = opts.level ?? 0.95;
  if (heldOut.length < 2)
    throw new ValidationError('promotion check needs at least two held-out decisions', { n: heldOut.length });
  const actions = actionsOf(heldOut);
  const { predictions } = crossFittedRewards(heldOut, { actions, folds: opts.folds ?? 5, seed: opts.seed ?? 1 });
  const serving = { caution: opts.caution ?? 0, minExamples: opts.minExamples ?? 0 };
  const cand = policyTerms(heldOut, greedyPolicy(candidate, serving), predictions).dr;
  const cur = policyTerms(heldOut, current === null ? nonePolicy : greedyPolicy(current, serving), predictions).dr;
  const none = policyTerms(heldOut, nonePolicy, predictions).dr;
  const difference = paired(cand, cur, level);
  const overNone = paired(cand, none, level);
  const currentOverNone = paired(cur, none, level);
  const { promote, reason } = promotionVerdict(overNone, currentOverNone, difference);
  return {
    promote,
    reason,
    n: heldOut.length,
    candidate: mean(cand, level),
    current: mean(cur, level),
    difference,
    overNone,
    currentOverNone,
  };
}
