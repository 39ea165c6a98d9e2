import type { CatalogEvent, ClickstreamEvent, OfferOutcomeEvent, OfferRequestEvent } from '@offerstream/contracts';
import type { Market, SimSession } from './market';

const DAY_MS = 86_400_000;
const envelope = (eventId: string, at: number, userId?: string) => ({
  eventId,
  schemaVersion: '1.0',
  occurredAt: new Date(at).toISOString(),
  producer: 'simulator',
  ...(userId !== undefined ? { userId } : {}),
});

export function catalogEvents(market: Market, now: number): CatalogEvent[] {
  return market.items.map((i) => ({
    ...envelope(`${i.itemId}-upsert`, now),
    type: 'item_upsert',
    payload: {
      itemId: i.itemId,
      title: `${i.category} item ${i.itemId}`,
      description: '',
      categoryPath: [i.category],
      price: i.price,
      currency: 'EUR',
      cost: i.cost,
      stock: 1_000_000,
      tags: [],
    },
  }));
}

/** What the shop saw of the shopper before the request: past purchases, the session's views, the cart. */
export function sessionEvents(s: SimSession, now: number): ClickstreamEvent[] {
  const events: ClickstreamEvent[] = [];
  s.history.forEach((h, k) => {
    const at = Math.round(now - h.daysAgo * DAY_MS);
    events.push({
      ...envelope(`${s.userId}-h${k}`, at, s.userId),
      type: 'purchase',
      payload: {
        orderId: `${s.userId}-h${k}`,
        lines: [{ itemId: h.item.itemId, quantity: 1, unitPrice: h.item.price }],
        total: h.item.price,
        currency: 'EUR',
      },
    });
  });
  // Oldest purchase first, so every consumer sees the history in time order.
  events.reverse();
  const seen = [...s.viewed, s.item];
  const start = now - (seen.length + 2) * 20_000;
  seen.forEach((i, k) => {
    events.push({
      ...envelope(`${s.userId}-v${k}`, start + k * 20_000, s.userId),
      sessionId: `${s.userId}-s`,
      type: 'product_view',
      payload: { itemId: i.itemId, price: i.price, categoryPath: [i.category] },
    });
  });
  if (s.carted) {
    events.push({
      ...envelope(`${s.userId}-c`, now - 10_000, s.userId),
      sessionId: `${s.userId}-s`,
      type: 'add_to_cart',
      payload: { itemId: s.item.itemId, quantity: 1, unitPrice: s.item.price },
    });
  }
  return events;
}

export function offerRequestEvent(s: SimSession, eventId: string, now: number): OfferRequestEvent {
  return {
    ...envelope(eventId, now, s.userId),
    type: 'offer_request',
    payload: {
      userId: s.userId,
      placement: 'product',
      context: { itemId: s.item.itemId, channel: 'site' },
      maxItems: 3,
    },
  };
}

/** The order of the item asked about; with an offer redeemed, at the discounted price and naming the offer. */
export function purchaseEvent(
  s: SimSession,
  now: number,
  offer?: { offerId: string; unitPrice: number },
): ClickstreamEvent {
  const unitPrice = offer?.unitPrice ?? s.item.price;
  return {
    ...envelope(`${s.userId}-p`, now, s.userId),
    sessionId: `${s.userId}-s`,
    type: 'purchase',
    payload: {
      orderId: `${s.userId}-o`,
      lines: [{ itemId: s.item.itemId, quantity: 1, unitPrice }],
      total: unitPrice,
      currency: 'EUR',
      ...(offer ? { offerId: offer.offerId } : {}),
    },
  };
}

export function outcomeEvent(
  s: SimSession,
  offer: { offerId: string; campaignId: string },
  outcome: 'redeem' | 'dismiss',
  now: number,
  money?: { revenue: number; discountCost: number },
): OfferOutcomeEvent {
  return {
    ...envelope(`${offer.offerId}-${outcome}`, now, s.userId),
    type: 'offer_outcome',
    payload: { offerId: offer.offerId, campaignId: offer.campaignId, outcome, ...(money ?? {}) },
  };
}
