import type { Logger } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { ChannelEvidence } from './channel-choice';
import type { OpenChannel } from './open-channels';

/** Fields of the campaign's figures hash (offers sent per channel here, outcomes per channel by record-outcome-3.lua). */
export const channelOffersField = (channel: string): string => `channel:${channel}:offers`;
export const channelOutcomeField = (channel: string, outcome: string): string => `channel:${channel}:${outcome}`;
/** Field of the user's campaign membership: when they last engaged with an offer of the campaign on the channel. */
export const channelSeenField = (channel: string): string => `seen:${channel}`;

const count = (v: string | null | undefined): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * What the channel choice learns from, in the campaign's own keys: offers sent and redeemed per channel in its
 * figures hash, and the user's last engagement per channel in their campaign membership (which expires with it and
 * goes with an erasure). Outcomes are counted by CampaignLearning.outcome, once per offer and outcome.
 */
export class ChannelEvidenceStore {
  constructor(private readonly redis: RedisClient) {}

  async evidence(
    campaignId: string,
    userId: string,
    channels: readonly string[],
  ): Promise<Map<string, ChannelEvidence>> {
    const [figures, seen] = await Promise.all([
      this.redis.hmget(
        RedisKeys.campaign.stats(campaignId),
        ...channels.flatMap((c) => [channelOffersField(c), channelOutcomeField(c, 'redeem')]),
      ),
      this.redis.hmget(RedisKeys.campaign.statsMember(campaignId, userId), ...channels.map(channelSeenField)),
    ]);
    const out = new Map<string, ChannelEvidence>();
    channels.forEach((c, i) => {
      const last = count(seen[i]);
      out.set(c, {
        offers: count(figures[2 * i]),
        redeems: count(figures[2 * i + 1]),
        ...(last > 0 ? { lastEngagedMs: last } : {}),
      });
    });
    return out;
  }

  /** Counts an offer made on the channel (once its budget is reserved). */
  async offered(campaignId: string, channel: string): Promise<void> {
    await this.redis.hincrby(RedisKeys.campaign.stats(campaignId), channelOffersField(channel), 1);
  }
}

/**
 * What the channel choice reads, only when there is a choice to make (campaigns with one channel cost no round
 * trip); a failed read decides from the prior rather than failing the decision.
 */
export async function channelEvidence(
  store: ChannelEvidenceStore | undefined,
  campaignId: string,
  userId: string,
  open: readonly OpenChannel[],
  logger?: Logger,
): Promise<ReadonlyMap<string, ChannelEvidence>> {
  if (open.length < 2 || !store) return new Map();
  return store
    .evidence(
      campaignId,
      userId,
      open.map((c) => c.channel),
    )
    .catch((e: unknown) => {
      logger?.warn('channel evidence unavailable; choosing from the prior', { error: e });
      return new Map<string, ChannelEvidence>();
    });
}
