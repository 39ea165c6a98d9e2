import { z } from 'zod';
import { envelopeShape, hasUserKey, itemId, money, currency, USER_KEY_REQUIRED } from './envelope.schema';
import { consentPayload } from './privacy.schema';

const event = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ ...envelopeShape, type: z.literal(type), payload });

export const pageViewEvent = event(
  'page_view',
  z.object({ url: z.string().max(2048), referrer: z.string().max(2048).optional() }),
);
export const productViewEvent = event(
  'product_view',
  z.object({ itemId, price: money.optional(), categoryPath: z.array(z.string().max(128)).max(8).optional() }),
);
export const searchEvent = event(
  'search',
  z.object({ query: z.string().max(1024), resultsCount: z.number().int().min(0).optional() }),
);
export const addToCartEvent = event(
  'add_to_cart',
  z.object({ itemId, quantity: z.number().int().min(1).max(10_000), unitPrice: money.optional() }),
);
export const removeFromCartEvent = event(
  'remove_from_cart',
  z.object({ itemId, quantity: z.number().int().min(1).max(10_000) }),
);
export const checkoutEvent = event(
  'checkout',
  z.object({ cartValue: money, itemIds: z.array(itemId).max(500).optional(), currency }),
);
export const purchaseLine = z.object({ itemId, quantity: z.number().int().min(1).max(10_000), unitPrice: money });
export const purchaseEvent = event(
  'purchase',
  z.object({
    orderId: z.string().min(1).max(128),
    lines: z.array(purchaseLine).min(1).max(500),
    total: money,
    currency,
    offerId: z.string().max(128).optional().describe('Offer redeemed with this order, if any'),
  }),
);
export const reviewEvent = event(
  'review',
  z.object({
    itemId,
    rating: z.number().int().min(1).max(5),
    text: z.string().max(20_000),
    language: z.string().max(16).optional(),
  }),
);
/** A consent change (since 1.2), in the user's partition so it applies in order with the user's other events. */
export const consentEvent = event('consent', consentPayload);

export const clickstreamEvent = z
  .discriminatedUnion('type', [
    pageViewEvent,
    productViewEvent,
    searchEvent,
    addToCartEvent,
    removeFromCartEvent,
    checkoutEvent,
    purchaseEvent,
    reviewEvent,
    consentEvent,
  ])
  .refine(hasUserKey, { message: USER_KEY_REQUIRED, path: ['userId'] });

export type ClickstreamEvent = z.infer<typeof clickstreamEvent>;
export type ClickstreamEventType = ClickstreamEvent['type'];
export type PurchaseEvent = z.infer<typeof purchaseEvent>;
export type ReviewEvent = z.infer<typeof reviewEvent>;
export type SearchEvent = z.infer<typeof searchEvent>;
export type ConsentEvent = z.infer<typeof consentEvent>;
export const CLICKSTREAM_EVENT_TYPES = [
  'page_view',
  'product_view',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout',
  'purchase',
  'review',
  'consent',
] as const satisfies readonly ClickstreamEventType[];
