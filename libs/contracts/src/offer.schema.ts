import { z } from 'zod';
import { envelopeShape, itemId, money, currency } from './envelope.schema';

export const OFFER_TYPES = [
  'coupon',
  'percent_discount',
  'fixed_discount',
  'free_shipping',
  'bundle',
  'recommendation',
] as const;
export const offerType = z.enum(OFFER_TYPES);
export type OfferType = z.infer<typeof offerType>;

export const TRIGGER_KINDS = [
  'cart_abandon',
  'category_browse',
  'post_purchase',
  'service_recovery',
  'offer_request',
  'http_decision',
] as const;
export const triggerKind = z.enum(TRIGGER_KINDS);
export type TriggerKind = z.infer<typeof triggerKind>;

/**
 * Where an offer is delivered: `site` (shown on the shop's pages or in its app, on the user's next visit if they are
 * not there now), `email`, `push`, `sms`. Consumers treat the offer's `channel` as open: a request may name another.
 */
export const OFFER_CHANNELS = ['site', 'email', 'push', 'sms'] as const;
export const offerChannel = z.enum(OFFER_CHANNELS);
export type OfferChannel = z.infer<typeof offerChannel>;

export const offer = z.object({
  offerId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  offerType,
  items: z.array(itemId).max(100),
  value: z
    .number()
    .min(0)
    .max(1e6)
    .describe('Percent for percent_discount, amount for fixed_discount/coupon, 0 otherwise'),
  currency,
  expiresAt: z.iso.datetime({ offset: true }),
  campaignId: z.string().min(1).max(128),
  trigger: triggerKind,
  triggerId: z.string().min(1).max(256).describe('Idempotency key of the trigger: one offer per trigger'),
  placement: z.string().max(128).optional(),
  channel: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Where the offer is delivered: site (a page of the shop or its app), email, push or sms. Since 1.3 the decision chooses it (consent, engagement, learned response, cost) unless the request named one; before, the trigger named it',
    ),
  channelCost: money
    .optional()
    .describe(
      "Since 1.3: what sending the offer on its channel costs the shop (the campaign's setting), netted out of the channel choice",
    ),
  appliesTo: z
    .enum(['viewed_item', 'cart', 'order', 'recommended'])
    .optional()
    .describe(
      'What the offer applies to: the item the user viewed, their cart, their next order, or items recommended to them',
    ),
  reasonCodes: z.array(z.string().max(128)).min(1).max(64),
  modelVersions: z.record(z.string(), z.string()),
  score: z.number().finite(),
  upliftEstimate: z.number().finite(),
  expectedIncrementalProfit: z.number().finite(),
  probability: z
    .number()
    .gt(0)
    .max(1)
    .describe('Probability with which the policy chose this offer, for off-policy evaluation'),
});
export type Offer = z.infer<typeof offer>;

export const offerEvent = z.object({ ...envelopeShape, type: z.literal('offer'), payload: offer });
export type OfferEvent = z.infer<typeof offerEvent>;

export const OFFER_OUTCOMES = ['delivered', 'impression', 'click', 'redeem', 'dismiss', 'expire'] as const;
export const offerOutcome = z.object({
  offerId: z.string().min(1).max(128),
  campaignId: z.string().min(1).max(128).optional(),
  outcome: z.enum(OFFER_OUTCOMES),
  revenue: money.optional().describe('Order value for redeem'),
  discountCost: money.optional().describe('What the redemption cost the shop'),
});
export const offerOutcomeEvent = z.object({
  ...envelopeShape,
  type: z.literal('offer_outcome'),
  payload: offerOutcome,
});
export type OfferOutcomeEvent = z.infer<typeof offerOutcomeEvent>;

export const offerRequest = z.object({
  userId: z.string().min(1).max(128),
  placement: z.string().min(1).max(128),
  context: z.record(z.string(), z.union([z.string().max(1024), z.number(), z.boolean()])).default({}),
  maxItems: z.number().int().min(1).max(100).default(10),
});
export const offerRequestEvent = z.object({
  ...envelopeShape,
  type: z.literal('offer_request'),
  payload: offerRequest,
});
export type OfferRequestEvent = z.infer<typeof offerRequestEvent>;
