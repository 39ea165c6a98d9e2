import type { NlpSignalEvent, ReviewEvent } from '@offerstream/contracts';
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

/**
 * A review the NLP worker judged negative, whatever its rating: "3 stars, arrived broken" earns the same apology as a
 * 1-star review. The trigger id is the rating path's (the same review event), so a review caught by both paths is
 * decided once.
 */
export function serviceRecoveryFromSignal(e: NlpSignalEvent, now: Date): DecisionRequest | undefined {
  const p = e.payload;
  const userId = e.userId ?? e.anonymousId;
  if (p.sourceType !== 'review' || p.sentiment.label !== 'negative' || p.itemId === undefined || userId === undefined)
    return undefined;
  return {
    trigger: 'service_recovery',
    triggerId: `service_recovery:${userId}:${p.itemId}:${p.sourceEventId}`,
    userId,
    seeds: [{ itemId: p.itemId }],
    exclude: [p.itemId],
    now,
  };
}
