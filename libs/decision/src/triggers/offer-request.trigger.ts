import type { OfferRequestEvent } from '@offerstream/contracts';
import { traceOf } from '@offerstream/kafka';
import type { DecisionRequest } from '../engine/decision.types';

/** An asynchronous request for an offer at a placement; the event id is its idempotency key. */
export function offerRequestTrigger(e: OfferRequestEvent, now: Date): DecisionRequest {
  const ctx = e.payload.context;
  const channel = typeof ctx['channel'] === 'string' ? ctx['channel'] : 'site';
  const itemId = typeof ctx['itemId'] === 'string' ? ctx['itemId'] : undefined;
  return {
    trigger: 'offer_request',
    triggerId: `offer_request:${e.eventId}`,
    userId: e.payload.userId,
    channel,
    placement: e.payload.placement,
    seeds: itemId ? [{ itemId }] : [],
    maxItems: e.payload.maxItems,
    now,
    trace: traceOf(e),
  };
}
