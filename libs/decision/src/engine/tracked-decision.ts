import type { Campaign } from '../campaign/campaign.schema';
import type { UserFeatures } from '../features/feature-source.port';
import type { TrackedDecision } from '../learning/decision-outcome.store';
import { decisionIdFor } from './decision-record';
import type { DecisionRequest } from './decision.types';

/** A decision as the outcome store tracks it until its attribution window closes with its reward. */
export function trackedDecision(
  req: DecisionRequest,
  campaign: Campaign,
  user: UserFeatures | undefined,
  features: readonly number[],
  nowMs: number,
  d: Pick<TrackedDecision, 'action' | 'propensity' | 'available' | 'values' | 'holdout' | 'offerId'>,
): TrackedDecision {
  return {
    decisionId: decisionIdFor(req.triggerId),
    userId: req.userId,
    campaignId: campaign.id,
    features,
    decidedAt: nowMs,
    ...(user?.segment !== undefined ? { segment: user.segment } : {}),
    ...d,
  };
}
