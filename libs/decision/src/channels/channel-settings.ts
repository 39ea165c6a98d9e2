import { z } from 'zod';
import { CONSENT_PURPOSES, OFFER_CHANNELS, type ConsentPurpose, type OfferChannel } from '@offerstream/contracts';
import { consentPurposeOf } from '../campaign/consent-gate';

const channelMessage = (channel: string): string =>
  `requires must include ${consentPurposeOf(channel)}: an offer by ${channel} needs that consent`;

/** One channel a campaign may deliver its offers on, with what a send costs and which consents it needs. */
export const campaignChannel = z
  .object({
    channel: z.enum(OFFER_CHANNELS),
    /** What one offer sent on the channel costs the shop (SMS fee, e-mail provider), in the campaign's currency. */
    cost: z.number().min(0).max(100).default(0),
    /**
     * Consents the user must hold for an offer on this channel. The channel's own purpose (marketing_email for e-mail,
     * personalization on site) is always required, so a list without it is refused; absent means just that one.
     */
    requires: z.array(z.enum(CONSENT_PURPOSES)).min(1).max(CONSENT_PURPOSES.length).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.requires !== undefined && !c.requires.includes(consentPurposeOf(c.channel)))
      ctx.addIssue({ code: 'custom', message: channelMessage(c.channel), path: ['requires'] });
  });
export type CampaignChannel = z.infer<typeof campaignChannel>;

/** The channels the decision chooses from; each at most once. */
export const campaignChannels = z
  .array(campaignChannel)
  .min(1)
  .max(OFFER_CHANNELS.length)
  .refine((cs) => new Set(cs.map((c) => c.channel)).size === cs.length, { message: 'each channel at most once' });

/** A channel as the decision weighs it: cost and every consent it needs. */
export interface DeliveryChannel {
  readonly channel: string;
  readonly cost: number;
  readonly requires: readonly ConsentPurpose[];
}

const isOfferChannel = (c: string): c is OfferChannel => (OFFER_CHANNELS as readonly string[]).includes(c);

/**
 * Where a campaign's offers may go. Without channel settings a campaign behaves as it did before channels were
 * chosen: the delivery channels its eligibility names (free, own consent only), else on site.
 */
export function deliveryChannels(c: {
  readonly channels?: readonly CampaignChannel[] | undefined;
  readonly eligibility: { readonly channels: readonly string[] };
}): DeliveryChannel[] {
  if (c.channels !== undefined)
    return c.channels.map((s) => ({
      channel: s.channel,
      cost: s.cost,
      requires: s.requires ?? [consentPurposeOf(s.channel)],
    }));
  const named = c.eligibility.channels.filter(isOfferChannel);
  return (named.length > 0 ? named : (['site'] as const)).map((channel) => ({
    channel,
    cost: 0,
    requires: [consentPurposeOf(channel)],
  }));
}
