import { join } from 'node:path';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { Campaign } from '../campaign/campaign.schema';

export type UserClaim =
  | { status: 'ok' }
  | { status: 'duplicate'; firstDecision: string }
  | { status: 'cap' | 'cooldown'; detail: string };

export type BudgetResult = 'reserved' | 'spend_exhausted' | 'count_exhausted';

export interface ReservationSettings {
  /** How long a trigger id is remembered (redeliveries later than this would decide again). */
  readonly triggerOnceTtlSeconds: number;
  /** How long offer history and assignments are kept per user. */
  readonly historyTtlMs: number;
}

/**
 * The atomic guardrails. Two scripts because their keys live in two slots: the user's (trigger-once, caps,
 * cooldown, assignment) and the campaign budget's. The user is claimed first; if the budget then refuses,
 * the cap entry is compensated, and the once-marker keeps the reason. Between the two steps a crash can
 * leave a cap entry without an offer (errs towards fewer offers, never more spend).
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
  }): Promise<UserClaim> {
    const { userId, campaign: c } = args;
    let r: [string, string];
    try {
      r = await runLua<[string, string]>(
        this.redis,
        'reserveUser',
        [RedisKeys.decision.userTriggerOnce(userId, args.triggerId), RedisKeys.user.offers(userId), RedisKeys.decision.userCampaigns(userId)],
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
        ],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'user reservation failed', e, { userId });
    }
    const [status, detail] = r;
    if (status === 'ok') return { status: 'ok' };
    if (status === 'duplicate') return { status, firstDecision: detail };
    return { status: status === 'cap' ? 'cap' : 'cooldown', detail };
  }

  async releaseUser(userId: string, triggerId: string, campaignId: string, offerId: string, reason: string): Promise<void> {
    await runLua<number>(
      this.redis,
      'releaseUser',
      [RedisKeys.decision.userTriggerOnce(userId, triggerId), RedisKeys.user.offers(userId)],
      [`${campaignId}|${offerId}`, reason],
    );
  }

  async reserveBudget(c: Campaign, cost: number): Promise<BudgetResult> {
    let r: number;
    try {
      r = await runLua<number>(
        this.redis,
        'reserveBudget',
        [RedisKeys.campaign.budget(c.id)],
        [toCents(cost), toCents(c.budget.spend), c.budget.count],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'budget reservation failed', e, { campaignId: c.id });
    }
    return r === 1 ? 'reserved' : r === 0 ? 'spend_exhausted' : 'count_exhausted';
  }

  async assignMember(campaignId: string, userId: string, group: 'T' | 'H', nowMs: number): Promise<void> {
    await runLua<number>(
      this.redis,
      'assignMember',
      [RedisKeys.campaign.statsMembers(campaignId), RedisKeys.campaign.stats(campaignId)],
      [userId, group, nowMs],
    );
  }

  async budgetUsed(campaignId: string): Promise<{ spend: number; count: number }> {
    const h = await this.redis.hgetall(RedisKeys.campaign.budget(campaignId));
    return { spend: Number(h['spentCents'] ?? 0) / 100, count: Number(h['count'] ?? 0) };
  }
}

export const toCents = (x: number): number => Math.round(x * 100);
