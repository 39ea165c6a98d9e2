import { betaDraw, type Rng } from '@offerstream/core';
import type { OpenChannel } from './open-channels';

/** What the decision lib knows of one channel: the campaign's offers sent and redeemed, the user's last engagement. */
export interface ChannelEvidence {
  readonly offers: number;
  readonly redeems: number;
  /** When the user last saw, clicked or redeemed an offer of the campaign on this channel (ms). */
  readonly lastEngagedMs?: number;
}

export interface ChannelChoiceSettings {
  /** Beta prior of a channel's redeem rate: its mean, and its weight in offers. */
  readonly priorRedeemRate: number;
  readonly priorWeight: number;
  /** An engagement this old counts half as much as one now. */
  readonly engagementHalfLifeHours: number;
  /** Weight of a channel on which the user never engaged, relative to one engaged on just now. */
  readonly unengagedWeight: number;
}

export const DEFAULT_CHANNEL_CHOICE: ChannelChoiceSettings = {
  priorRedeemRate: 0.05,
  priorWeight: 20,
  engagementHalfLifeHours: 24 * 14,
  unengagedWeight: 0.5,
};

export interface ChannelChoiceInput {
  readonly open: readonly OpenChannel[];
  readonly evidence: ReadonlyMap<string, ChannelEvidence>;
  /** What a redeemed offer earns the shop before the send: the target's margin less the offer's cost. */
  readonly gain: number;
  readonly nowMs: number;
  /** The user is on the site now (a session in progress): on site is engaged now. */
  readonly onSiteNow: boolean;
  readonly settings: ChannelChoiceSettings;
  readonly random: Rng;
}

export interface ChannelChoice {
  readonly channel: string;
  readonly cost: number;
  /** Expected value of sending on each open channel, as drawn: redeem rate x engagement x gain - cost. */
  readonly values: Readonly<Record<string, number>>;
  readonly codes: readonly string[];
}

/** Weight of the user's engagement on a channel: 1 just now, halving every half-life, down to the unengaged weight. */
export function engagementWeight(lastMs: number | undefined, nowMs: number, s: ChannelChoiceSettings): number {
  if (lastMs === undefined) return s.unengagedWeight;
  const ageH = Math.max(0, nowMs - lastMs) / 3_600_000;
  return s.unengagedWeight + (1 - s.unengagedWeight) * Math.pow(2, -ageH / Math.max(1e-9, s.engagementHalfLifeHours));
}

/** Beta posterior of the channel's redeem rate from its offers and redeems. */
export function redeemPosterior(e: ChannelEvidence | undefined, s: ChannelChoiceSettings): [number, number] {
  const offers = Math.max(0, e?.offers ?? 0);
  const redeems = Math.min(offers, Math.max(0, e?.redeems ?? 0));
  return [s.priorRedeemRate * s.priorWeight + redeems, (1 - s.priorRedeemRate) * s.priorWeight + offers - redeems];
}

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '0');

/**
 * The channel an offer goes on, chosen after the offer itself: among the channels open to the user (consent was
 * checked there), the highest expected value of sending, net of the send's cost. The redeem rate is a Thompson draw
 * from the channel's Beta posterior, so a channel with few sends is still tried now and then; it is weighted by how
 * recently the user engaged on the channel. A single open channel is taken without a draw.
 */
export function chooseChannel(i: ChannelChoiceInput): ChannelChoice | undefined {
  if (i.open.length === 0) return undefined;
  if (i.open.length === 1) {
    const only = i.open[0]!;
    return {
      channel: only.channel,
      cost: only.cost,
      values: {},
      codes: [`channel:${only.channel}`, 'channel_choice:only'],
    };
  }
  const values: Record<string, number> = {};
  const codes: string[] = [];
  let best: OpenChannel | undefined;
  for (const c of i.open) {
    const e = i.evidence.get(c.channel);
    const [a, b] = redeemPosterior(e, i.settings);
    const rate = betaDraw(i.random, a, b);
    const engaged = c.channel === 'site' && i.onSiteNow ? i.nowMs : e?.lastEngagedMs;
    const weight = engagementWeight(engaged, i.nowMs, i.settings);
    const value = rate * weight * Math.max(0, i.gain) - c.cost;
    values[c.channel] = value;
    codes.push(`channel_value:${c.channel}=${f4(value)}`);
    if (!best || value > values[best.channel]!) best = c;
  }
  const chosen = best!;
  return { channel: chosen.channel, cost: chosen.cost, values, codes: [`channel:${chosen.channel}`, ...codes] };
}
