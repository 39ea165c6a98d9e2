import { join } from 'node:path';
import type { OfferOutcomeEvent, PurchaseEvent } from '@offerstream/contracts';
import { TransientError, type Logger } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { legacyMemberKeys, type ReservationStore } from '../guardrails/reservation.store';
import type { ItemFeatures } from '../features/feature-source.port';
import type { DecisionOutcomeStore } from './decision-outcome.store';
import type { OfferRecordStore } from './offer-record.store';
import { orderProfit, type OrderProfit } from './order-profit';

export interface LearningSettings {
  /** Purchases this long after assignment are attributed to the campaign. */
  readonly attributionWindowMs: number;
  readonly markerTtlSeconds: number;
  /** Margin rate assumed for items whose cost the catalogue does not give. */
  readonly defaultMarginRate: number;
  /** How long a campaign membership moved from the legacy hashes lives (the reservation's history TTL). */
  readonly memberTtlMs: number;
}

/**
 * Campaign figures and the learning loop's inputs. Offer outcomes update the campaign's funnel (once per offer and
 * outcome) and settle the offer's budget reservation (redeem keeps it, dismiss and expire release it). Purchases
 * are priced at gross profit and go two ways: to the campaign's treated and holdout groups (incrementality, intent
 * to treat) and to the user's latest decision (the reward every action, no offer included, is learned from).
 */
export class CampaignLearning {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: OfferRecordStore,
    private readonly reservations: ReservationStore,
    private readonly outcomes: DecisionOutcomeStore,
    private readonly items: (itemIds: readonly string[]) => Promise<ReadonlyMap<string, ItemFeatures>>,
    private readonly settings: LearningSettings,
    private readonly logger?: Logger,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  /**
   * Counts an offer's outcome and settles its reservation. An outcome must match an offer this system made: its
   * record (kept for the offer's life plus OFFER_RECORD_TTL) is found under the campaign the event names, or through
   * the offer index when it names none. Anything else (an offer id nobody made, a campaign other than the offer's)
   * is refused so the consumer dead-letters it; counting it would credit funnels and budgets with what never happened.
   */
  async outcome(e: OfferOutcomeEvent): Promise<'counted' | 'repeat' | 'unknown_offer' | 'campaign_mismatch'> {
    const p = e.payload;
    const record = await this.records.get(p.offerId, p.campaignId);
    if (!record) {
      const indexed = p.campaignId === undefined ? undefined : await this.records.campaignOf(p.offerId);
      return indexed !== undefined && indexed !== p.campaignId ? 'campaign_mismatch' : 'unknown_offer';
    }
    const campaignId = record.campaignId;
    // Settled on every delivery, before the once-per-outcome counter: the settlement is idempotent by itself, so a
    // crash between the two steps cannot skip it on redelivery (the counter would then say 'repeat').
    if (p.outcome === 'redeem' || p.outcome === 'dismiss' || p.outcome === 'expire') {
      const settled = await this.reservations.settleBudget(campaignId, p.offerId, p.outcome, Date.now());
      if (settled === 'redeemed_after_release')
        this.logger?.warn('redeem of an offer whose budget was already released; not charged', {
          offerId: p.offerId,
          campaignId,
        });
    }
    let r: number;
    try {
      r = await runLua<number>(
        this.redis,
        'recordOutcome',
        [
          RedisKeys.campaign.statsOutcome(campaignId, p.offerId),
          RedisKeys.campaign.stats(campaignId),
          // Outcomes count per channel, and the user's membership keeps when they engaged on it (see channels/).
          RedisKeys.campaign.statsMember(campaignId, record.userId),
        ],
        [
          p.outcome,
          p.revenue ?? 0,
          p.discountCost ?? record.cost,
          this.settings.markerTtlSeconds,
          record.published?.offer.channel ?? '',
          Date.now(),
        ],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'outcome recording failed', e, { offerId: p.offerId });
    }
    return r === 0 ? 'repeat' : 'counted';
  }

  /**
   * Prices the order at gross profit, credits it to the user's open decision, and attributes it to every campaign
   * the user is assigned to within the window. Returns the order's figures.
   */
  async purchase(userId: string, p: PurchaseEvent['payload'], nowMs: number): Promise<OrderProfit> {
    const [items, record] = await Promise.all([
      this.items(p.lines.map((l) => l.itemId)).catch((e: unknown) => {
        this.logger?.warn('item costs unavailable; pricing the order at the default margin', {
          error: e,
          orderId: p.orderId,
        });
        return new Map<string, ItemFeatures>();
      }),
      p.offerId ? this.records.get(p.offerId) : Promise.resolve(undefined),
    ]);
    const profit = orderProfit(
      p,
      items,
      this.settings.defaultMarginRate,
      record ? { action: record.action, cost: record.cost } : undefined,
    );
    const assignments = await this.redis.hgetall(RedisKeys.decision.userCampaigns(userId));
    await Promise.all([
      this.outcomes.purchase(userId, p.orderId, profit.grossProfit, nowMs),
      ...Object.keys(assignments).map((campaignId) =>
        runLua<number>(
          this.redis,
          'recordConversion',
          [
            RedisKeys.campaign.statsMember(campaignId, userId),
            RedisKeys.campaign.stats(campaignId),
            RedisKeys.campaign.statsOrder(campaignId, p.orderId),
            ...legacyMemberKeys(campaignId),
          ],
          [
            userId,
            profit.revenue,
            nowMs,
            this.settings.attributionWindowMs,
            this.settings.markerTtlSeconds,
            profit.grossProfit,
            profit.revenueWithoutCost,
            this.settings.memberTtlMs,
          ],
        ),
      ),
    ]);
    return profit;
  }
}
