import type { PurchaseEvent } from '@offerstream/contracts';
import type { DecisionRequest } from '../engine/decision.types';

/** After a purchase: cross-sell around what was bought, never the bought items themselves. */
export function postPurchaseTrigger(e: PurchaseEvent, userId: string, now: Date): DecisionRequest {
  const bought = e.payload.lines.map((l) => l.itemId);
  return {
    trigger: 'post_purchase',
    triggerId: `post_purchase:${e.payload.orderId}`,
    userId,
    seeds: e.payload.lines.map((l) => ({ itemId: l.itemId, price: l.unitPrice })),
    exclude: bought,
    now,
  };
}
