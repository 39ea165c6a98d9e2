import type { Logger } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { DEFAULT_CHANNEL_CHOICE, redeemPosterior, type ChannelEvidence } from './channel-choice';
import type { OpenChannel } from './open-channels';

/**
 * Fields of the campaign's figures hash (offers sent per channel here, outcomes per channel by record-outcome-3.lua).
 */
export const channelOffersField = (channel: string): string => `channel:${channel}:offers`;
export const channelOutcomeField = (channel: string, outcome: string): string => `channel:${channel}:${outcome}`;
/** One channel of a campaign as the console shows it: offers sent, their outcomes, the redeem rate learned. */
export interface ChannelFigures {
  readonly channel: string;
  readonly offers: number;
  /** Outcomes reported for offers on the channel, by outcome (delivered, impression, click, redeem, ...). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Mean of the Beta posterior the channel choice draws from (the prior alone for a channel with no offers). */
  readonly redeemRate: number;
}

const CHANNEL_FIELD = /^channel:([^:]+):([a-z_]+)$/;

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

  /** Every channel the campaign has figures for, by offers made (most first). */
  async figures(campaignId: string): Promise<ChannelFigures[]> {
    const all = await this.redis.hgetall(RedisKeys.campaign.stats(campaignId));
    const by = new Map<string, { offers: number; outcomes: Record<string, number> }>();
    for (const [field, value] of Object.entries(all)) {
      const m = CHANNEL_FIELD.exec(field);
      if (!m?.[1] || !m[2]) continue;
      const row = by.get(m[1]) ?? { offers: 0, outcomes: {} };
      if (m[2] === 'offers') row.offers = count(value);
      else row.outcomes[m[2]] = count(value);
      by.set(m[1], row);
    }
    return [...by.entries()]
      .map(([channel, r]) => {
        const [a, b] = redeemPosterior(
          { offers: r.offers, redeems: r.outcomes['redeem'] ?? 0 },
          DEFAULT_CHANNEL_CHOICE,
        );
        return { channel, offers: r.offers, outcomes: r.outcomes, redeemRate: a / (a + b) };
      })
      .sort((x, y) => y.offers - x.offers || x.channel.localeCompare(y.channel));
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
