import type { ConsentPurpose } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';
import { ineligibility, type EligibilityContext } from '../campaign/campaign-eligibility';
import { consentAllows } from '../campaign/consent-gate';
import { deliveryChannels } from './channel-settings';

/** A channel an offer of the campaign may go on for this user now, with what a send costs. */
export interface OpenChannel {
  readonly channel: string;
  readonly cost: number;
}

/** The eligibility context, where the request may leave the channel to the decision. */
export type ChannelContext = Omit<EligibilityContext, 'channel'> & { readonly channel?: string | undefined };

/**
 * The channels on which the campaign applies to this user now: every check of campaign eligibility per channel
 * (consent of the channel's own purpose among them) and every consent the campaign's setting for it requires. A
 * request that names its channel (a page asking for an offer) gets that one or none; a campaign with channel
 * settings must list it. Empty: the campaign does not apply, so no offer can reach a channel without consent.
 */
export function openChannels(c: Campaign, ctx: ChannelContext): OpenChannel[] {
  const settings = deliveryChannels(c);
  const allowed = (channel: string, requires: readonly ConsentPurpose[] | undefined): boolean =>
    ineligibility(c, { ...ctx, channel }) === undefined && (requires ?? []).every((p) => consentAllows(ctx.user, p));
  if (ctx.channel !== undefined) {
    const named = ctx.channel;
    const s = settings.find((x) => x.channel === named);
    if (c.channels !== undefined && !s) return [];
    return allowed(named, s?.requires) ? [{ channel: named, cost: s?.cost ?? 0 }] : [];
  }
  return settings.filter((s) => allowed(s.channel, s.requires)).map((s) => ({ channel: s.channel, cost: s.cost }));
}

/** The first campaign (in priority order) open to the user on some channel, with its open channels. */
export function firstOpenCampaign(
  campaigns: readonly Campaign[],
  ctx: ChannelContext,
): { campaign?: Campaign; open: OpenChannel[] } {
  for (const campaign of campaigns) {
    const open = openChannels(campaign, ctx);
    if (open.length > 0) return { campaign, open };
  }
  return { open: [] };
}
