import type { DecisionRecord } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';
import type { ReservationStore, UserClaim } from '../guardrails/reservation.store';
import type { OfferRecordStore } from '../learning/offer-record.store';
import { CLAIM_INTERRUPTED, claimedRecord } from './claimed-record';
import { decisionIdFor } from './decision-record';
import type { Decision, DecisionRequest } from './decision.types';

/** Offer ids are UUIDs; any other first decision of a trigger (holdout, none, cap, ...) has nothing to publish. */
const OFFER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface TriggerClaimStores {
  readonly reservations: ReservationStore;
  readonly records: OfferRecordStore;
}

export interface TriggerClaimInput {
  readonly req: DecisionRequest;
  readonly campaign: Campaign;
  readonly mode: 'offer' | 'holdout' | 'none';
  readonly offerId: string;
  readonly nowMs: number;
  readonly codes: readonly string[];
  readonly record: DecisionRecord | undefined;
}

/**
 * Claims the trigger for the user (trigger-once, caps, cooldown in one script) and stores the decision's record
 * with the claim. A redelivered trigger gets a `duplicate` decision naming the first one, whichever branch it
 * reaches. If the first delivery's decision was never acknowledged by Kafka (its produce failed and the batch is
 * being retried, or the process died before it), the duplicate carries what it would have published: the same
 * offer (same offer id) and its record from the outbox, or the stored record of a holdout, a no-offer or a
 * guardrail's refusal. An offer claimed but never reserved (the delivery interrupted between the two scripts) is
 * voided and ends as a refusal (`claim_interrupted`). The trigger still yields at most one offer and exactly one
 * decision record (same decision id).
 */
export async function claimTrigger(
  stores: TriggerClaimStores,
  i: TriggerClaimInput,
): Promise<{ claim: UserClaim; duplicate?: Decision }> {
  const { req, campaign, record } = i;
  const claim = await stores.reservations.claimUser({
    userId: req.userId,
    triggerId: req.triggerId,
    mode: i.mode,
    campaign,
    offerId: i.offerId,
    nowMs: i.nowMs,
    ...(record ? { record } : {}),
  });
  if (claim.status !== 'duplicate') return { claim };
  const firstWasOffer = OFFER_ID.test(claim.firstDecision);
  const firstCampaign = claim.firstCampaign ?? campaign.id;
  const offered = firstWasOffer ? await stores.records.claimedOffer(claim.firstDecision, firstCampaign) : undefined;
  const unpublished = offered?.state === 'unpublished' ? offered.published : undefined;
  let stored = claimedRecord(claim.firstDecision, firstWasOffer, claim.record);
  if (offered?.state === 'void') {
    // The first delivery was interrupted between its claim and its reservation: the offer id is void now (no late
    // reservation can make the offer), so its cap entry goes and the trigger ends as no offer, as a budget refusal.
    await stores.reservations.releaseUser(
      req.userId,
      req.triggerId,
      firstCampaign,
      claim.firstDecision,
      CLAIM_INTERRUPTED,
    );
    stored = claimedRecord(CLAIM_INTERRUPTED, false, claim.record);
  }
  const duplicate: Decision = {
    ...(unpublished
      ? { offer: unpublished.offer, ...(unpublished.record ? { record: unpublished.record } : {}) }
      : stored
        ? { record: stored }
        : {}),
    triggerId: req.triggerId,
    userId: req.userId,
    decisionId: decisionIdFor(req.triggerId),
    kind: 'duplicate',
    reason: `duplicate_of_${claim.firstDecision}`,
    campaignId: campaign.id,
    reasonCodes: i.codes,
  };
  return { claim, duplicate };
}
