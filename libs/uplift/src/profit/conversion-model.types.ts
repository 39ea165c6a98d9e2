import type { ConversionFit } from './penalized-logit';
import type { OfferSupport } from './offer-support';
import type { SegmentModel } from './behaviour-segments';
import type { RangeOffsets } from './range-offsets';
import type { RangedFeature, RangedFeatureSpec } from './ranged-features';

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
  /**
   * Bins of the no-offer likelihood whose effect each offer learns on its own (see OfferDesign); 0 or 1: none.
   * Default 0 (see docs/ope.md for what they trade).
   */
  readonly baselineBins?: number;
  /**
   * Prior precision of the offers' intercepts, baseline bins and segment posteriors as a share of their other
   * coefficients'. A list is a grid, chosen by cross-validation with the two strengths. Default 1.
   */
  readonly weakShrinkage?: number | readonly number[];
  readonly maxWeight?: number;
  /**
   * Let each fit's inverse-propensity weights add up to their effective sample size, (Σw)²/Σw², instead of the row
   * count: the weights still tilt the fit toward the population, but the prior and the posterior's sd then weigh the
   * information the weighted rows really carry. Default false.
   */
  readonly effectiveWeights?: boolean;
  /**
   * Pairs of context features whose product is added to every action's row (e.g. ranges of two behaviours), so an
   * offer's effect can differ for a combination the features alone would add up. Default none.
   */
  readonly interactions?: readonly (readonly [number, number])[];
  /**
   * Groups of one-hot range indicators of the context (views, past purchases, ...) from which latent behaviour
   * segments are learned (fitSegments); each shopper's P(segment | behaviour) then follows the features, so an
   * offer's effect can differ by kind of shopper. Default none.
   */
  readonly segmentGroups?: readonly (readonly number[])[];
  /**
   * With segment groups: more groups whose features are weights of categories, not one-hot ranges (how much of the
   * shopper's browsing fell in each price band): a segment's distribution over them is drawn once per unit of weight,
   * so a shopper seen on twelve items says more about their segment than one seen on two. Default none.
   */
  readonly segmentCountGroups?: readonly (readonly number[])[];
  /**
   * With segment groups: fit the segments to behaviour and to how each logged shopper answered the action shown
   * (fitSegments' responses), and take each offer's effect from the segments' purchase rates (segmentEffect) on top
   * of no offer's logit, instead of from the offer's own linear fit. Kinds who look alike feature by feature but
   * answer offers differently then get different offers. Default false.
   */
  readonly segmentResponses?: boolean;
  /**
   * With segment responses: pairs [smaller, larger] of one offer at two doses (10% and 20% off), larger first along a
   * chain; the smaller's purchase rate in a segment is shrunk toward the midpoint of no offer's and the larger's
   * (fitSegments' `between`). Default none.
   */
  readonly doseOrder?: readonly (readonly [string, string])[];
  /**
   * With segment responses: count each logged response toward its segment's rates by its clipped inverse propensity
   * (`maxWeight`), scaled so each action's weights average 1 (fitBehaviourSegments' `maxWeight`). Default false:
   * replayed on four development markets it was worse on two by 0.08 and 0.31 of the oracle and level on the others
   * (docs/benchmarks.md, "Segment rates weighted by the logged propensities"); the service does not set it.
   */
  readonly segmentWeights?: boolean;
  /**
   * With segment responses and no `segmentCount`: larger segment counts compared with AIC's by the cross-validated
   * deviance of offer decisions' purchases (selectSegmentCount). Default [12, 16]; [] keeps AIC's count.
   */
  readonly segmentCounts?: readonly number[];
  /**
   * With segment groups: fit exactly this many segments instead of choosing the count by AIC (a refit's whole-log fit).
   */
  readonly segmentCount?: number;
  /**
   * With segment groups: seed of the EM's random starts of the segments served (fitSegments' `seed`; the count's
   * cross-validation keeps its own). Default fixed; replays set others to measure how much the starts alone
   * move a result.
   */
  readonly segmentSeed?: number;
  /**
   * With segment groups: also learn a logit offset per combination of their ranges and action (fitRangeOffsets),
   * its strength chosen by cross-validation, none where it does not help. Default true.
   */
  readonly rangeOffsets?: boolean;
  /**
   * Continuous context features cut into ranges at their training quantiles (fitRangedFeatures): the indicators
   * follow the context, and with segment groups each feature's ranges are one more group. Default none.
   */
  readonly rangedFeatures?: readonly RangedFeatureSpec[];
  /**
   * Fit this many members, each on a random `bagShare` of the decisions, and serve their average (fitBag). Default 1.
   */
  readonly bags?: number;
  /** Share of the decisions each member is fitted on, drawn without replacement. Default 0.7. */
  readonly bagShare?: number;
  /** Seed of the members' draws. Default: the number of decisions (a refit of the same log repeats exactly). */
  readonly bagSeed?: number;
  /**
   * Per member, choices fixed instead of searched (withCandidateChoices of a bagged candidate): member i gets the i-th.
   */
  readonly memberChoices?: readonly MemberChoices[];
}

/** What a fit chooses from the data and a refit may fix instead: its shrinkage and its segment count. */
export type MemberChoices = Pick<
  ConversionModelOptions,
  'offerLambda' | 'poolLambda' | 'weakShrinkage' | 'segmentCount'
>;

/** Plain data: JSON.stringify it to store, `conversionModelFromJSON` to load. */
export interface ConversionModelSnapshot {
  readonly version: typeof CONVERSION_MODEL_VERSION;
  readonly lambda: number;
  readonly offerLambda: number;
  /** Absent in snapshots from before the pooled level (they behave as 1e6: no pooling). */
  readonly poolLambda?: number;
  /** Upper edges of the baseline bins on the no-offer logit (OfferDesign); absent or empty: no bins. */
  readonly baselineEdges?: number[];
  /** Absent in snapshots from before it (they behave as 1). */
  readonly weakShrinkage?: number;
  /** Held-out deviance per offer example of each candidate `pool/offer/weak`, when chosen by cross-validation. */
  readonly offerLambdaDeviance?: Readonly<Record<string, number>>;
  readonly maxWeight: number;
  readonly featureMean: number[];
  readonly featureScale: number[];
  /** Mean gross profit of a converted decision beyond the priced value of its action (other items in the order). */
  readonly extraPerPurchase: number;
  readonly actions: Record<string, ConversionFit>;
  /**
   * Per offer, d β_offer / d β_none (row-major, see noneLink), so a gain's sd counts no offer's error once. Absent in
   * snapshots from before it: their gains' sd treats the two actions as independent.
   */
  readonly noneLinks?: Record<string, number[]>;
  /**
   * Where each action was tried, by fifth of the no-offer logit: each estimate's `support` is its evidence near the
   * shopper (localEvidence). Absent in snapshots from before it (their estimates have no `support`).
   */
  readonly support?: OfferSupport;
  /** Feature pairs whose products follow the features (featureMean covers both); absent: none. */
  readonly interactions?: [number, number][];
  /** Held-out deviance per offer decision of each segment count compared (selectSegmentCount); absent: AIC's kept. */
  readonly segmentCountDeviance?: Readonly<Record<string, number>>;
  /** Behaviour segments whose posteriors follow the products (featureMean covers them); absent: none. */
  readonly segments?: SegmentModel;
  /** Offsets per combination of behaviour ranges and action (absent: none, as in snapshots from before them). */
  readonly rangeOffsets?: RangeOffsets;
  /**
   * Features cut into ranges, whose indicators are appended to the context before anything else (every other index
   * beyond the raw context counts them); absent: none.
   */
  readonly rangedFeatures?: RangedFeature[];
  /**
   * A bag (fitBag): the fits whose predictions are averaged, the first of them repeated at the top. Absent: this fit is
   * served alone. Members never have members.
   */
  readonly members?: ConversionModelSnapshot[];
  /** With members: the share of the decisions each was fitted on. */
  readonly bagShare?: number;
}
