import { z } from 'zod';
import { TRIGGER_KINDS } from '@offerstream/contracts';
import { campaignChannels } from '../channels/channel-settings';

/** What a campaign may offer; each becomes one or more policy actions (see policy/offer-actions.ts). */
export const campaignOfferTypes = z.object({
  percentDiscounts: z.array(z.number().int().min(1).max(90)).max(6).default([10, 20]),
  fixedCoupons: z.array(z.number().positive().max(10_000)).max(4).default([]),
  freeShipping: z.boolean().default(true),
  shippingCost: z.number().min(0).max(1_000).default(4.9),
  bundle: z.boolean().default(true),
  bundleDiscountPercent: z.number().int().min(1).max(90).default(10),
  recommendation: z.boolean().default(true),
  /** Coupon amount of the service-recovery offer after a bad review. */
  serviceRecoveryCoupon: z.number().min(0).max(10_000).default(5),
});

export const campaignBudget = z.object({
  /** Maximum discount liability reserved by offers (currency units). */
  spend: z.number().min(0).max(1e9),
  /** Maximum number of offers made (with a cost); an offer that ends unused gives its spend back, not its count. */
  count: z.number().int().min(0).max(1e9),
});

export const campaignCaps = z.object({
  /** Offers of this campaign one user may get per window. */
  perUser: z.number().int().min(1).max(1_000).default(3),
  windowHours: z
    .number()
    .min(0.001)
    .max(24 * 90)
    .default(24),
  /** Minimum time between two offers of any campaign to the same user. */
  cooldownMinutes: z
    .number()
    .min(0)
    .max(60 * 24 * 30)
    .default(60),
});

export const campaignEligibility = z.object({
  triggers: z
    .array(z.enum(TRIGGER_KINDS))
    .min(1)
    .default([...TRIGGER_KINDS]),
  /** Empty means every segment, users without a segment included. */
  segments: z.array(z.string().min(1).max(64)).max(50).default([]),
  customers: z.enum(['any', 'new', 'returning']).default('any'),
  /** Empty means every channel. */
  channels: z.array(z.string().min(1).max(32)).max(10).default([]),
  /** Hours of the day (UTC, 0-23) in which offers may be made; empty means all day. */
  hoursUtc: z.array(z.number().int().min(0).max(23)).max(24).default([]),
});

const campaignFields = {
  name: z.string().min(1).max(200),
  status: z.enum(['active', 'paused']).default('active'),
  priority: z.number().int().min(0).max(1_000).default(100),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  offerTypes: campaignOfferTypes.default(campaignOfferTypes.parse({})),
  budget: campaignBudget,
  caps: campaignCaps.default(campaignCaps.parse({})),
  eligibility: campaignEligibility.default(campaignEligibility.parse({})),
  /** Share of users (by a hash of user and campaign) kept as a no-offer control group. */
  holdoutShare: z.number().min(0).max(0.9).default(0.1),
  /** A discount may take at most this share of the item's margin (1 = sell at cost, never below). */
  maxMarginShare: z.number().min(0).max(1).default(0.8),
  offerTtlHours: z
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(48),
  /**
   * What an offer on a request that names an item applies to: that item (`context`), or items we recommend.
   * Carts (cart abandonment) always get the cart, service recovery the next order (see triggers/*.targeting.ts).
   */
  appliesTo: z.enum(['context', 'recommended']).default('context'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('EUR'),
  /**
   * Channels the decision chooses from for triggers that leave it open, with per-channel cost and required consents
   * (see channels/). Absent: the delivery channels eligibility names, else on site, at no cost.
   */
  channels: campaignChannels.optional(),
};

const datesInOrder = (c: { startsAt?: string | undefined; endsAt?: string | undefined }): boolean =>
  c.startsAt === undefined || c.endsAt === undefined || Date.parse(c.startsAt) < Date.parse(c.endsAt);
const DATES_MESSAGE = { message: 'endsAt must be after startsAt', path: ['endsAt'] };

export const campaignCreate = z
  .object({
    id: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'id: 1-64 letters, digits, dash, underscore')
      .optional(),
    ...campaignFields,
  })
  .strict()
  .refine(datesInOrder, DATES_MESSAGE);
export type CampaignCreate = z.input<typeof campaignCreate>;

/** Partial update; nested objects are replaced whole after validation against the merged campaign. */
export const campaignUpdate = z
  .object({
    name: campaignFields.name.optional(),
    status: z.enum(['active', 'paused']).optional(),
    priority: z.number().int().min(0).max(1_000).optional(),
    startsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    offerTypes: campaignOfferTypes.partial().optional(),
    budget: campaignBudget.partial().optional(),
    caps: campaignCaps.partial().optional(),
    eligibility: campaignEligibility.partial().optional(),
    holdoutShare: campaignFields.holdoutShare.unwrap().optional(),
    maxMarginShare: campaignFields.maxMarginShare.unwrap().optional(),
    offerTtlHours: campaignFields.offerTtlHours.unwrap().optional(),
    appliesTo: campaignFields.appliesTo.unwrap().optional(),
    /** null removes the channel settings. */
    channels: campaignChannels.nullable().optional(),
  })
  .strict();
export type CampaignUpdate = z.infer<typeof campaignUpdate>;

export const campaign = z
  .object({
    id: z.string().min(1).max(64),
    ...campaignFields,
    version: z.number().int().min(1),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .refine(datesInOrder, DATES_MESSAGE);
export type Campaign = z.infer<typeof campaign>;

/** Applies a validated update to a campaign and validates the result (e.g. dates still in order). */
export function mergeCampaign(current: Campaign, update: CampaignUpdate, now: Date): Campaign {
  const { startsAt, endsAt, offerTypes, budget, caps, eligibility, channels, ...scalars } = update;
  const next: Record<string, unknown> = {
    ...current,
    ...scalars,
    offerTypes: { ...current.offerTypes, ...offerTypes },
    budget: { ...current.budget, ...budget },
    caps: { ...current.caps, ...caps },
    eligibility: { ...current.eligibility, ...eligibility },
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  if (startsAt !== undefined) next['startsAt'] = startsAt ?? undefined;
  if (endsAt !== undefined) next['endsAt'] = endsAt ?? undefined;
  if (channels !== undefined) next['channels'] = channels ?? undefined;
  return campaign.parse(next);
}

/** Human-readable message of the first few zod issues, for 400 bodies. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
