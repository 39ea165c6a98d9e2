import { join } from 'node:path';
import { OfferStreamError, TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { DecisionRecord } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';

export type UserClaim =
  | { status: 'ok' }
  /**
   * `firstDecision` is the first delivery's offer id (with `firstCampaign`) or what it decided instead; `record` is
   * the decision record its claim stored, while Kafka has not acknowledged it.
   */
  | { status: 'duplicate'; firstDecision: string; firstCampaign?: string; record?: DecisionRecord }
  | { status: 'cap' | 'cooldown'; detail: string };

/**
 * `paused` and `ended` are the campaign's state in Redis at the moment of reserving (another instance's change);
 * `voided`: the offer id was given up by a redelivery of its trigger (OfferRecordStore.claimedOffer).
 */
export type BudgetResult = 'reserved' | 'spend_exhausted' | 'count_exhausted' | 'paused' | 'ended' | 'voided';

/** The offer record written in the same atomic step as the reservation (see reserve-offer-7.lua). */
export interface RecordToWrite {
  /** The serialized OfferRecord. */
  readonly json: string;
  readonly ttlSeconds: number;
}

/** What a terminal outcome did to the offer's reservation (see settle-budget-3.lua). */
export type BudgetSettlement = 'redeemed' | 'released' | 'redeemed_after_release' | 'unknown_offer' | 'already_settled';

/** A campaign budget's ledger: what is held now, and what was redeemed and released over its life. */
export interface BudgetLedger {
  /** Held against the limit now: open reservations plus redeemed ones. */
  readonly spend: number;
  readonly count: number;
  /** Offers made over the campaign's life: what the count limit caps (released offers do not give it back). */
  readonly made: number;
  readonly redeemedSpend: number;
  readonly redeemedCount: number;
  readonly releasedSpend: number;
  readonly releasedCount: number;
  /** Of the released, those whose window passed with no outcome at all. */
  readonly windowReleasedCount: number;
  /** Redeems reported for offers already released: not charged to the budget. */
  readonly lateRedeemedSpend: number;
  readonly lateRedeemedCount: number;
}

export interface ReservationSettings {
  /** How long a trigger id is remembered (redeliveries later than this would decide again). */
  readonly triggerOnceTtlSeconds: number;
  /** How long offer history and assignments are kept per user. */
  readonly historyTtlMs: number;
  /** How long after an offer's expiry its unsettled reservation is released (late outcomes still settle it). */
  readonly releaseGraceMs?: number;
  /** How long a settled reservation is remembered, so that redelivered outcomes stay no-ops. */
  readonly settledRetentionMs?: number;
}

const DEFAULT_RELEASE_GRACE_MS = 3_600_000;
const DEFAULT_SETTLED_RETENTION_MS = 30 * 86_400_000;

/**
 * The atomic guardrails. Two scripts because their keys live in two slots: the user's (trigger-once with the decision's
 * record, caps, cooldown, assignment) and the campaign budget's, which also holds the offer's record and the outbox, so
 * that reservation and record are one step. The user is claimed first; if the budget then refuses, the cap entry is
 * compensated, and the once-marker keeps the reason. Between the two steps a crash can leave a cap entry without an
 * offer (errs towards fewer offers, never more spend); it can never leave an offer without a reservation.
 *
 * Budget reservations are per offer and end in one of two ways, each at most once: redeemed (the spend stays)
 * or released (spend and count go back to the budget) on dismiss, expire, or when the redemption window
 * passes with no outcome. A reservation left by a crash before the offer was published is released too.
 */
export class ReservationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: ReservationSettings,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async claimUser(args: {
    userId: string;
    triggerId: string;
    mode: 'offer' | 'holdout' | 'none';
    campaign: Campaign;
    offerId: string;
    nowMs: number;
    /** Kept with the claim until Kafka has it (see forgetRecords); for an offer, the record of its refusal. */
    record?: DecisionRecord;
  }): Promise<UserClaim> {
    const { userId, campaign: c } = args;
    let r: [string, string, string];
    try {
      r = await runLua<[string, string, string]>(
        this.redis,
        'reserveUser',
        [
          RedisKeys.decision.userTriggerOnce(userId, args.triggerId),
          RedisKeys.user.offers(userId),
          RedisKeys.decision.userCampaigns(userId),
          RedisKeys.decision.userTriggerRecord(userId, args.triggerId),
        ],
        [
          args.nowMs,
          this.settings.triggerOnceTtlSeconds,
          args.mode,
          c.id,
          args.offerId,
          c.caps.perUser,
          Math.round(c.caps.windowHours * 3_600_000),
          Math.round(c.caps.cooldownMinutes * 60_000),
          args.mode === 'holdout' ? 'H' : 'T',
          this.settings.historyTtlMs,
          args.record ? JSON.stringify(args.record) : '',
        ],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'user reservation failed', e, { userId });
    }
    const [status, detail, stored] = r;
    if (status === 'ok') return { status: 'ok' };
    if (status === 'duplicate') {
      const at = detail.indexOf('@');
      const record = stored ? { record: JSON.parse(stored) as DecisionRecord } : {};
      return at < 0
        ? { status, firstDecision: detail, ...record }
        : { status, firstDecision: detail.slice(0, at), firstCampaign: detail.slice(at + 1), ...record };
    }
    return { status: status === 'cap' ? 'cap' : 'cooldown', detail };
  }

  async releaseUser(
    userId: string,
    triggerId: string,
    campaignId: string,
    offerId: string,
    reason: string,
  ): Promise<void> {
    await runLua<number>(
      this.redis,
      'releaseUser',
      [RedisKeys.decision.userTriggerOnce(userId, triggerId), RedisKeys.user.offers(userId)],
      [`${campaignId}|${offerId}`, reason],
    );
  }

  /**
   * Drops the decision records stored with these triggers' claims, once Kafka has acknowledged them: a later
   * redelivery then publishes nothing again. Keys of many users, so one command each (auto-pipelined where the
   * client does so).
   */
  async forgetRecords(claims: readonly { userId: string; triggerId: string }[]): Promise<void> {
    await Promise.all(
      claims.map((c) => this.redis.unlink(RedisKeys.decision.userTriggerRecord(c.userId, c.triggerId))),
    );
  }

  /**
   * Reserves the offer's cost against the campaign budget, under the limits and pause state stored in Redis, and
   * writes the offer's record (and puts it in the outbox) in the same script: either both exist or neither. The
   * reservation is released automatically once `expiresAtMs` plus the grace has passed, unless an outcome settles it
   * first. `nowMs` is the decision's clock (campaign end); the outbox is ordered by the wall clock.
   */
  async reserveBudget(
    c: Campaign,
    cost: number,
    offerId: string,
    expiresAtMs: number,
    record?: RecordToWrite,
    nowMs = Date.now(),
  ): Promise<BudgetResult> {
    let r: number;
    try {
      r = await runLua<number>(
        this.redis,
        'reserveOffer',
        [
          ...budgetKeys(c.id),
          RedisKeys.campaign.budgetLimits(c.id),
          RedisKeys.campaign.budgetOfferRecord(c.id, offerId),
          RedisKeys.campaign.budgetOutbox(c.id),
          RedisKeys.campaign.budgetOfferVoid(c.id, offerId),
        ],
        [
          toCents(cost),
          toCents(c.budget.spend),
          c.budget.count,
          offerId,
          expiresAtMs + (this.settings.releaseGraceMs ?? DEFAULT_RELEASE_GRACE_MS),
          nowMs,
          record?.json ?? '',
          Math.max(1, Math.ceil(record?.ttlSeconds ?? 1)),
          Date.now(),
        ],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'budget reservation failed', e, { campaignId: c.id });
    }
    if (r === -2)
      throw new OfferStreamError('OFFER_ID_REUSED', 'offer id already holds a budget reservation', {
        context: { campaignId: c.id, offerId },
      });
    return RESERVATIONS[r] ?? 'spend_exhausted';
  }

  /** Per-offer reservation states of a campaign (R open, D redeemed, X released, L redeemed after release). */
  async reservations(campaignId: string): Promise<Map<string, { state: string; cents: number }>> {
    const h = await this.redis.hgetall(RedisKeys.campaign.budgetOffers(campaignId));
    const out = new Map<string, { state: string; cents: number }>();
    for (const [offerId, v] of Object.entries(h)) {
      const [state = '', cents = '0'] = v.split('|');
      out.set(offerId, { state, cents: Number(cents) });
    }
    return out;
  }

  /** Applies an offer's terminal outcome to its reservation; repeats and unknown offers change nothing. */
  async settleBudget(
    campaignId: string,
    offerId: string,
    outcome: 'redeem' | 'dismiss' | 'expire',
    nowMs: number,
  ): Promise<BudgetSettlement> {
    let r: number;
    try {
      r = await runLua<number>(this.redis, 'settleBudget', budgetKeys(campaignId), [
        offerId,
        outcome,
        nowMs,
        this.retentionMs,
      ]);
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'budget settlement failed', e, { campaignId, offerId });
    }
    return SETTLEMENTS[r] ?? 'already_settled';
  }

  /** Releases reservations whose window has passed unsettled; returns how many were released. */
  async releaseDue(campaignId: string, nowMs: number, max = 500): Promise<number> {
    let released = 0;
    for (;;) {
      const [n, seen] = await runLua<[number, number]>(this.redis, 'releaseDueBudget', budgetKeys(campaignId), [
        nowMs,
        this.retentionMs,
        max,
      ]);
      released += n;
      if (seen < max) return released;
    }
  }

  async assignMember(campaignId: string, userId: string, group: 'T' | 'H', nowMs: number): Promise<void> {
    await runLua<number>(
      this.redis,
      'assignMember',
      [
        RedisKeys.campaign.statsMember(campaignId, userId),
        RedisKeys.campaign.stats(campaignId),
        ...legacyMemberKeys(campaignId),
      ],
      // The membership lives as long as the user's own list of campaigns (purchases are attributed through it).
      [userId, group, nowMs, this.settings.historyTtlMs],
    );
  }

  async budgetUsed(campaignId: string): Promise<{ spend: number; count: number }> {
    const l = await this.ledger(campaignId);
    return { spend: l.spend, count: l.count };
  }

  async ledger(campaignId: string): Promise<BudgetLedger> {
    return budgetLedger(this.redis, campaignId);
  }

  private get retentionMs(): number {
    return this.settings.settledRetentionMs ?? DEFAULT_SETTLED_RETENTION_MS;
  }
}

/** The per-campaign hashes members lived in before they expired (moved into statsMember by the scripts). */
export const legacyMemberKeys = (campaignId: string): string[] => [
  RedisKeys.campaign.statsMembers(campaignId),
  RedisKeys.campaign.statsRevenue(campaignId),
  RedisKeys.campaign.statsProfit(campaignId),
];

const RESERVATIONS: Record<number, BudgetResult> = {
  1: 'reserved',
  0: 'spend_exhausted',
  [-1]: 'count_exhausted',
  [-3]: 'paused',
  [-4]: 'ended',
  [-5]: 'voided',
};

const SETTLEMENTS: Record<number, BudgetSettlement> = {
  1: 'redeemed',
  2: 'released',
  3: 'redeemed_after_release',
  0: 'unknown_offer',
  [-1]: 'already_settled',
};

const budgetKeys = (campaignId: string): string[] => [
  RedisKeys.campaign.budget(campaignId),
  RedisKeys.campaign.budgetOffers(campaignId),
  RedisKeys.campaign.budgetReleaseAt(campaignId),
];

export async function budgetLedger(redis: RedisClient, campaignId: string): Promise<BudgetLedger> {
  const h = await redis.hgetall(RedisKeys.campaign.budget(campaignId));
  const n = (k: string): number => Number(h[k] ?? 0);
  return {
    spend: n('spentCents') / 100,
    count: n('count'),
    made: n('made'),
    redeemedSpend: n('redeemedCents') / 100,
    redeemedCount: n('redeemedCount'),
    releasedSpend: n('releasedCents') / 100,
    releasedCount: n('releasedCount'),
    windowReleasedCount: n('windowReleasedCount'),
    lateRedeemedSpend: n('lateRedeemedCents') / 100,
    lateRedeemedCount: n('lateRedeemedCount'),
  };
}

export const toCents = (x: number): number => Math.round(x * 100);
