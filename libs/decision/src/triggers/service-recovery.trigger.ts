import type { ReviewEvent } from '@offerstream/contracts';
import type { DecisionRequest } from '../engine/decision.types';

export const NEGATIVE_RATING = 2;

/** A negative review (rating <= 2) earns an apology coupon; the reviewed item is never pushed again. */
export function serviceRecoveryTrigger(e: ReviewEvent, userId: string, now: Date): DecisionRequest | undefined {
  if (e.payload.rating > NEGATIVE_RATING) return undefined;
  return {
    trigger: 'service_recovery',
    triggerId: `service_recovery:${userId}:${e.payload.itemId}:${e.eventId}`,
    userId,
    seeds: [{ itemId: e.payload.itemId }],
    exclude: [e.payload.itemId],
    now,
  };
}
