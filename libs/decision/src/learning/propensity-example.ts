import type { TrainingExample } from '../policy/propensity.store';
import { PROPENSITY_FEATURES, type FeatureVector } from '../policy/propensity.model';
import type { JoinedDecision } from './decision-outcome.store';

/**
 * The purchase-propensity model estimates P(buy | no incentive), so it learns from decisions that made no offer
 * (the holdout and the policy's no-offer choices), labelled by whether the user bought within the window. Offers'
 * own outcomes would teach it the offered population's redemption rate instead. The policy's feature vector starts
 * with the propensity features in their order (see policy-features.ts).
 */
export function propensityExample(d: JoinedDecision): TrainingExample | undefined {
  if (d.action !== 'none') return undefined;
  const x = {} as FeatureVector;
  PROPENSITY_FEATURES.forEach((f, j) => (x[f] = d.features[j] ?? 0));
  return {
    offerId: d.decisionId,
    features: x,
    label: (d.converted ?? d.reward > 0) ? 1 : 0,
    at: new Date(d.decidedAt).toISOString(),
    ...(d.segment !== undefined ? { segment: d.segment } : {}),
  };
}
