import type { Offer } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';
import type { ChannelChoice } from '../channels/channel-choice';
import type { OfferAction } from '../policy/offer-actions';
import type { PolicyChoice } from '../policy/offer-policy';
import type { ScoredTarget } from '../triggers/targeting';
import type { DecisionRequest } from './decision.types';

export interface OfferBuildInput {
  readonly offerId: string;
  readonly req: DecisionRequest;
  readonly campaign: Campaign;
  readonly choice: PolicyChoice;
  readonly scored: ScoredTarget;
  readonly now: Date;
  readonly codes: readonly string[];
  readonly versions: Record<string, string>;
  /** The channel chosen for the offer; none when the request named no channel and none was chosen. */
  readonly delivery: ChannelChoice | undefined;
}

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '0');

/**
 * The offer event with its explanation: why now (trigger), why this campaign, which signals and sources
 * fed the scores, which models at which versions, and the numbers the choice was made on.
 */
export function buildOffer(i: OfferBuildInput): Offer {
  const { choice, scored, campaign } = i;
  const action: OfferAction = choice.action;
  const codes = [...i.codes, `action:${action.id}`, `applies_to:${scored.appliesTo}`];
  codes.push(`signals:${scored.present.length > 0 ? scored.present.join('+') : 'none'}`);
  if (scored.candidates) {
    const used = Object.entries(scored.candidates.used).map(([n, w]) => `${n}=${w.toFixed(2)}`);
    codes.push(`sources:${used.join(',') || 'none'}`);
    if (scored.candidates.coldStart) codes.push('cold_start');
  }
  if (i.delivery) codes.push(...i.delivery.codes, `channel_cost:${i.delivery.cost.toFixed(2)}`);
  if (i.req.trigger === 'service_recovery') codes.push('service_recovery:negative_review');
  for (const [k, v] of Object.entries(i.versions)) codes.push(`model:${k}@${v}`.slice(0, 128));
  codes.push(
    `score:${f4(scored.target.baseProbability)}`,
    `expected_incremental_profit:${f4(choice.expectedIncrementalProfit)}`,
    `probability:${f4(choice.probability)}`,
    `estimate:${choice.learned[action.id] ? 'learned' : 'prior'}`,
    `cost:${action.cost.toFixed(2)}`,
  );
  return {
    offerId: i.offerId,
    userId: i.req.userId,
    offerType: action.offerType === 'none' ? 'recommendation' : action.offerType,
    items: [...action.items].slice(0, 100),
    value: action.value,
    currency: campaign.currency,
    expiresAt: new Date(i.now.getTime() + campaign.offerTtlHours * 3_600_000).toISOString(),
    campaignId: campaign.id,
    trigger: i.req.trigger,
    triggerId: i.req.triggerId.slice(0, 256),
    ...(i.req.placement !== undefined ? { placement: i.req.placement } : {}),
    ...(i.delivery
      ? { channel: i.delivery.channel.slice(0, 64), channelCost: i.delivery.cost }
      : i.req.channel
        ? { channel: i.req.channel.slice(0, 64) }
        : {}),
    appliesTo: scored.appliesTo,
    reasonCodes: codes.slice(0, 64).map((c) => c.slice(0, 128)),
    modelVersions: i.versions,
    score: scored.target.baseProbability,
    upliftEstimate: choice.uplift,
    expectedIncrementalProfit: choice.expectedIncrementalProfit,
    probability: Math.min(1, Math.max(Number.EPSILON, choice.probability)),
  };
}
