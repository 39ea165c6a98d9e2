import { join } from 'node:path';
import type { DecisionRecord, Offer } from '@offerstream/contracts';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { RecordToWrite } from '../guardrails/reservation.store';

/** What the learning loop needs to know about an offer when its outcome arrives. */
export interface OfferRecord {
  readonly offerId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly action: string;
  readonly cost: number;
  readonly probability: number;
  readonly createdAt: string;
  /**
   * The offer event and decision record as they are published. Kept until the offer expires so that a trigger
   * redelivered before they were acknowledged (produce failed and the batch is retried, or the process died in
   * between), or the outbox sweeper, publishes the same offer instead of losing it.
   */
  readonly published?: { readonly offer: Offer; readonly record?: DecisionRecord };
}

/** What became of the offer a redelivered trigger's first delivery claimed (see unpublished-offer-4.lua). */
export type ClaimedOffer =
  /** Recorded, never acknowledged: to publish again (`published` undefined if its record expired). */
  | { readonly state: 'unpublished'; readonly published: OfferRecord['published'] }
  /** Reserved and acknowledged: nothing to publish. */
  | { readonly state: 'reserved' }
  /** Never reserved, and now never will be: the trigger ends as no offer. */
  | { readonly state: 'void' };

/**
 * Offer records. A record is written only by the budget reservation script, in the campaign budget's slot, together
 * with the reservation and an outbox entry (see reserve-offer-7.lua): a record, so a publishable offer, never exists
 * without its reservation. Kafka's acknowledgement takes the offer out of the outbox; what stays there is published
 * again by the redelivered trigger or by the outbox sweeper. Events that name only the offer (purchases, outcomes
 * without a campaign) find its campaign through a small offer -> campaign index.
 */
export class OfferRecordStore {
  constructor(
    private readonly redis: RedisClient,
    /** How long a record outlives its offer (outcomes may arrive after it expired). */
    private readonly ttlSeconds: number,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  /** The record as the reservation script writes it (ReservationStore.reserveBudget). */
  toWrite(r: OfferRecord, offerTtlSeconds: number): RecordToWrite {
    return { json: JSON.stringify(r), ttlSeconds: Math.ceil(offerTtlSeconds + this.ttlSeconds) };
  }

  /** Remembers the offer's campaign for events that carry only the offer id; sent beside the reservation. */
  async index(offerId: string, campaignId: string, offerTtlSeconds: number): Promise<void> {
    await this.redis.set(
      RedisKeys.decision.offerCampaign(offerId),
      campaignId,
      'EX',
      Math.ceil(offerTtlSeconds + this.ttlSeconds),
    );
  }

  /** The campaign an offer was made for, from the index (undefined when unknown or expired). */
  async campaignOf(offerId: string): Promise<string | undefined> {
    return (await this.redis.get(RedisKeys.decision.offerCampaign(offerId))) ?? undefined;
  }

  /** The offer's record; without the campaign, it is looked up in the index first. */
  async get(offerId: string, campaignId?: string): Promise<OfferRecord | undefined> {
    const c = campaignId ?? (await this.campaignOf(offerId));
    if (c === undefined) return undefined;
    const raw = await this.redis.get(RedisKeys.campaign.budgetOfferRecord(c, offerId));
    return raw === null ? undefined : (JSON.parse(raw) as OfferRecord);
  }

  /** Takes offers acknowledged by Kafka out of their campaigns' outboxes. */
  async markPublished(offers: readonly Pick<Offer, 'offerId' | 'campaignId'>[]): Promise<void> {
    const byCampaign = new Map<string, string[]>();
    for (const o of offers) byCampaign.set(o.campaignId, [...(byCampaign.get(o.campaignId) ?? []), o.offerId]);
    await Promise.all([...byCampaign].map(([c, ids]) => this.redis.zrem(RedisKeys.campaign.budgetOutbox(c), ...ids)));
  }

  /**
   * What became of the offer a redelivered trigger claimed: still in the outbox (never acknowledged), reserved and
   * published, or never reserved, in which case the offer id is voided in the same script (one slot) so that a late
   * reservation from the interrupted delivery is refused.
   */
  async claimedOffer(offerId: string, campaignId: string): Promise<ClaimedOffer> {
    const [state, raw] = await runLua<[string, string?]>(
      this.redis,
      'unpublishedOffer',
      [
        RedisKeys.campaign.budgetOutbox(campaignId),
        RedisKeys.campaign.budgetOfferRecord(campaignId, offerId),
        RedisKeys.campaign.budgetOffers(campaignId),
        RedisKeys.campaign.budgetOfferVoid(campaignId, offerId),
      ],
      // As long as a record: far longer than any delivery still in flight.
      [offerId, Math.max(600, this.ttlSeconds)],
    );
    if (state === 'outbox')
      return { state: 'unpublished', published: raw ? (JSON.parse(raw) as OfferRecord).published : undefined };
    return state === 'reserved' ? { state } : { state: 'void' };
  }

  /**
   * Outbox entries recorded before `beforeMs` (oldest first) with their records. Entries whose record is gone
   * (expired) come back with `record` undefined, for the sweeper to drop.
   */
  async outbox(
    campaignId: string,
    beforeMs: number,
    max: number,
  ): Promise<{ offerId: string; record: OfferRecord | undefined }[]> {
    const ids = await this.redis.zrangebyscore(
      RedisKeys.campaign.budgetOutbox(campaignId),
      '-inf',
      beforeMs,
      'LIMIT',
      0,
      max,
    );
    if (ids.length === 0) return [];
    const raws = await Promise.all(
      ids.map((id) => this.redis.get(RedisKeys.campaign.budgetOfferRecord(campaignId, id))),
    );
    return ids.map((offerId, i) => {
      const raw = raws[i];
      return { offerId, record: raw === null || raw === undefined ? undefined : (JSON.parse(raw) as OfferRecord) };
    });
  }

  /** Drops outbox entries that must not be published any more (record expired, offer expired). */
  async dropFromOutbox(campaignId: string, offerIds: readonly string[]): Promise<void> {
    if (offerIds.length > 0) await this.redis.zrem(RedisKeys.campaign.budgetOutbox(campaignId), ...offerIds);
  }
}
