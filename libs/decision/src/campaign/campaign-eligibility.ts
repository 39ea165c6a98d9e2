import type { TriggerKind } from '@offerstream/contracts';
import type { UserFeatures } from '../features/feature-source.port';
import type { Campaign } from './campaign.schema';
import { consentAllows, consentPurposeOf } from './consent-gate';

export interface EligibilityContext {
  readonly trigger: TriggerKind;
  readonly channel: string;
  readonly user: UserFeatures | undefined;
  readonly now: Date;
}

/** A returning customer has bought before; a visitor without history counts as new. */
export function isReturning(user: UserFeatures | undefined): boolean {
  return (user?.rfm?.frequency ?? 0) > 0 || (user?.purchasedItems?.length ?? 0) > 0;
}

/**
 * Whether the user is in any of the listed segments: rule segments met now or the learned cluster (its stable id),
 * as the feature source lists them in `segments`; a source that gives only `segment` is read as that one.
 */
export function inAnySegment(user: UserFeatures | undefined, segments: readonly string[]): boolean {
  const mine = user?.segments ?? (user?.segment !== undefined ? [user.segment] : []);
  return mine.some((s) => segments.includes(s));
}

/**
 * Why a campaign does not apply on a channel, or undefined when it does. The channel's consent is checked here and
 * nowhere else; channels/open-channels.ts runs this per channel and adds the consents a channel setting requires.
 */
export function ineligibility(c: Campaign, ctx: EligibilityContext): string | undefined {
  if (c.status !== 'active') return 'paused';
  const t = ctx.now.getTime();
  if (c.startsAt !== undefined && t < Date.parse(c.startsAt)) return 'not_started';
  if (c.endsAt !== undefined && t >= Date.parse(c.endsAt)) return 'ended';
  const e = c.eligibility;
  if (e.hoursUtc.length > 0 && !e.hoursUtc.includes(ctx.now.getUTCHours())) return 'outside_hours';
  if (!e.triggers.includes(ctx.trigger)) return 'trigger';
  if (e.channels.length > 0 && !e.channels.includes(ctx.channel)) return 'channel';
  if (e.segments.length > 0 && !inAnySegment(ctx.user, e.segments)) return 'segment';
  if (e.customers !== 'any' && (e.customers === 'returning') !== isReturning(ctx.user)) return 'customer_type';
  if (!consentAllows(ctx.user, consentPurposeOf(ctx.channel))) return 'no_consent';
  return undefined;
}
