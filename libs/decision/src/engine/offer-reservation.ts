import type { DecisionRecord, Offer } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';
import type { BudgetResult, ReservationStore } from '../guardrails/reservation.store';
import type { OfferRecordStore } from '../learning/offer-record.store';
import type { PolicyChoice } from '../policy/offer-policy';
import type { DecisionRequest } from './decision.types';

export interface OfferReservationStores {
  readonly reservations: ReservationStore;
  readonly records: OfferRecordStore;
}

export interface OfferReservationInput {
  readonly req: DecisionRequest;
  readonly campaign: Campaign;
  readonly choice: PolicyChoice;
  /** The offer and its decision record as they will be published. */
  readonly offer: Offer;
  readonly record: DecisionRecord | undefined;
  readonly now: Date;
}

/**
 * Reserves the offer's budget and writes its record in the same atomic step (one slot, see reserve-offer-7.lua):
 * there is never a record, so never an offer that recovery could republish, without its reservation. The record
 * carries the offer as it will be published, for a redelivered trigger or the outbox sweeper if Kafka never
 * acknowledges it.
 */
export async function reserveOffer(stores: OfferReservationStores, i: OfferReservationInput): Promise<BudgetResult> {
  const { req, campaign, choice, offer, now } = i;
  const nowMs = now.getTime();
  const offerTtlS = campaign.offerTtlHours * 3600;
  const record = stores.records.toWrite(
    {
      offerId: offer.offerId,
      userId: req.userId,
      campaignId: campaign.id,
      action: choice.action.id,
      cost: choice.action.cost,
      probability: choice.probability,
      createdAt: now.toISOString(),
      published: { offer, ...(i.record ? { record: i.record } : {}) },
    },
    offerTtlS,
  );
  // The offer -> campaign index goes beside it (same round trip); an index left without a reservation points to
  // no record and changes nothing.
  const [budget] = await Promise.all([
    stores.reservations.reserveBudget(
      campaign,
      choice.action.cost,
      offer.offerId,
      nowMs + offerTtlS * 1000,
      record,
      nowMs,
    ),
    stores.records.index(offer.offerId, campaign.id, offerTtlS),
  ]);
  return budget;
}
