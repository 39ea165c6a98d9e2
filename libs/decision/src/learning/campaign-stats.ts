import { join } from 'node:path';
import type { OfferOutcomeEvent } from '@offerstream/contracts';
import { TransientError, type Logger } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { ReservationStore } from '../guardrails/reservation.store';
import type { BanditStore } from '../policy/bandit.store';
import type { PropensityStore } from '../policy/propensity.store';
import type { OfferRecordStore } from './offer-record.store';

export interface LearningSettings {
  /** Purchases this long after assignment are attributed to the campaign. */
  readonly attributionWindowMs: number;
  readonly markerTtlSeconds: number;
}

/**
 * Label of an offer's propensity training example, from its first labelling outcome: a click or a redeem says the
 * user was ready to buy the item (positive), a dismissal or an expiry without either says not (negative).
 * `delivered` and `impression` label nothing. Whichever labelling outcome arrives first decides; a click followed
 * by an expiry stays positive.
 */
export function trainingLabel(outcome: OfferOutcomeEvent['payload']['outcome']): 0 | 1 | undefined {
  if (outcome === 'redeem' || outcome === 'click') return 1;
  if (outcome === 'dismiss' || outcome === 'expire') return 0;
  return undefined;
}

/**
 * The learning loop: offer outcomes update campaign figures (once per offer and outcome) and, on an offer's
 * first terminal outcome, the bandit (reward 1 for a redemption, 0 for a dismissal or expiry, minus the
 * prior it was chosen with). Purchases update the treated and holdout groups for incrementality.
 * Terminal outcomes also settle the offer's budget reservation: redeem keeps it, dismiss and expire release it.
 */
export class CampaignLearning {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: OfferRecordStore,
    private readonly bandit: BanditStore,
    private readonly reservations: ReservationStore,
    private readonly settings: LearningSettings,
    private readonly logger?: Logger,
    private readonly propensity?: PropensityStore,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async outcome(e: OfferOutcomeEvent): Promise<'counted' | 'learned' | 'repeat' | 'unknown_offer'> {
    const p = e.payload;
    const record = await this.records.get(p.offerId);
    const campaignId = p.campaignId ?? record?.campaignId;
    if (!campaignId) return 'unknown_offer';
    // Settled on every delivery, before the once-per-outcome counter: the settlement is idempotent by itself, so a
    // crash between the two steps cannot skip it on redelivery (the counter would then say 'repeat').
    if (p.outcome === 'redeem' || p.outcome === 'dismiss' || p.outcome === 'expire') {
      const settled = await this.reservations.settleBudget(campaignId, p.offerId, p.outcome, Date.now());
      if (settled === 'redeemed_after_release') this.logger?.warn('redeem of an offer whose budget was already released; not charged', { offerId: p.offerId, campaignId });
    }
    const label = trainingLabel(p.outcome);
    // Appended on every delivery too: the store's per-offer marker keeps one example per offer.
    if (label !== undefined && record?.features && this.propensity) {
      await this.propensity.append({ offerId: p.offerId, features: record.features, label, at: e.occurredAt });
    }
    let r: number;
    try {
      r = await runLua<number>(
        this.redis,
        'recordOutcome',
        [RedisKeys.campaign.statsOutcome(campaignId, p.offerId), RedisKeys.campaign.stats(campaignId)],
        [p.outcome, p.revenue ?? 0, p.discountCost ?? record?.cost ?? 0, this.settings.markerTtlSeconds],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'outcome recording failed', e, { offerId: p.offerId });
    }
    if (r === 0) return 'repeat';
    if (r !== 2) return 'counted';
    if (!record) {
      this.logger?.warn('terminal outcome for an offer without a record; bandit not updated', { offerId: p.offerId });
      return 'counted';
    }
    const reward = (p.outcome === 'redeem' ? 1 : 0) - record.prior;
    await this.bandit.update(record.context, record.action, reward);
    return 'learned';
  }

  /** Attributes a purchase to every campaign the user was assigned to within the window. */
  async purchase(userId: string, orderId: string, revenue: number, nowMs: number): Promise<number> {
    const assignments = await this.redis.hgetall(RedisKeys.decision.userCampaigns(userId));
    let attributed = 0;
    for (const campaignId of Object.keys(assignments)) {
      attributed += await runLua<number>(
        this.redis,
        'recordConversion',
        [
          RedisKeys.campaign.statsMembers(campaignId),
          RedisKeys.campaign.stats(campaignId),
          RedisKeys.campaign.statsRevenue(campaignId),
          RedisKeys.campaign.statsOrder(campaignId, orderId),
        ],
        [userId, revenue, nowMs, this.settings.attributionWindowMs, this.settings.markerTtlSeconds],
      );
    }
    return attributed;
  }
}
