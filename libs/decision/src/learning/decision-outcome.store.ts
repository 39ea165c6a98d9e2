import { join } from 'node:path';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';

/**
 * A decision as the learner needs it: what the policy saw (`features`, the same vector it scored with), what was
 * executed with which probability, and what else it could have done. Offers, policy no-offers and the holdout are
 * all tracked, so that doing nothing is learned from as much as offering.
 */
export interface TrackedDecision {
  readonly decisionId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly action: string;
  /** Probability of the executed action under the logging policy (1 for the holdout and guardrail refusals). */
  readonly propensity: number;
  readonly features: readonly number[];
  /** Actions that were available, with the probability the policy gave each (for off-policy evaluation). */
  readonly available: Readonly<Record<string, number>>;
  /** Gross profit one purchase earns under each eligible action, as priced when deciding (the model's values). */
  readonly values?: Readonly<Record<string, number>>;
  readonly holdout: boolean;
  readonly segment?: string;
  readonly offerId?: string;
  readonly decidedAt: number;
}

/** A tracked decision whose attribution window has closed: `reward` is the gross profit of what the user bought. */
export interface JoinedDecision extends TrackedDecision {
  readonly reward: number;
  /** Whether any purchase was credited to it (absent on records settled before the field existed). */
  readonly converted?: boolean;
}

export interface DecisionOutcomeSettings {
  /** Purchases this long after a decision are credited to it (unless a newer decision of the user came first). */
  readonly attributionWindowMs: number;
  /** Joined decisions kept for training (the newest). */
  readonly logMax: number;
  readonly markerTtlSeconds: number;
}

const DUE_KEYS = (): string[] => [
  RedisKeys.decision.learnDue(),
  RedisKeys.decision.learnPending(),
  RedisKeys.decision.learnReward(),
  RedisKeys.decision.learnLatest(),
];

/**
 * Joins every decision with the purchases that follow it: the writer (track, purchase, settle) and the reader of the
 * reward log the incremental-profit model learns from. A purchase is credited to the user's latest decision still
 * within its window (last touch); when the window closes the decision, with its reward (0 if nothing was bought),
 * is appended to the log.
 */
export class DecisionOutcomeStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: DecisionOutcomeSettings,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  get attributionWindowMs(): number {
    return this.settings.attributionWindowMs;
  }

  async track(d: TrackedDecision): Promise<boolean> {
    try {
      const keys = DUE_KEYS();
      const r = await runLua<number>(this.redis, 'trackDecision', keys, [
        d.decisionId,
        JSON.stringify(d),
        d.decidedAt + this.settings.attributionWindowMs,
        d.userId,
      ]);
      return r === 1;
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'tracking a decision for learning failed', e, {
        decisionId: d.decisionId,
      });
    }
  }

  /** Credits an order's gross profit to the user's open decision; false when none is open or the order was seen. */
  async purchase(userId: string, orderId: string, grossProfit: number, nowMs: number): Promise<boolean> {
    try {
      const r = await runLua<number>(
        this.redis,
        'joinPurchase',
        [
          RedisKeys.decision.learnLatest(),
          RedisKeys.decision.learnDue(),
          RedisKeys.decision.learnReward(),
          RedisKeys.decision.learnOrder(orderId),
        ],
        [userId, grossProfit, nowMs, this.settings.markerTtlSeconds],
      );
      return r === 1;
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'joining a purchase to its decision failed', e, { orderId });
    }
  }

  /** Settles up to `limit` decisions whose window has closed; returns them with their rewards. */
  async settleDue(nowMs: number, limit = 1_000): Promise<JoinedDecision[]> {
    const raw = await runLua<string[]>(
      this.redis,
      'settleDecisions',
      [...DUE_KEYS(), RedisKeys.decision.learnLog(), RedisKeys.decision.learnAppended()],
      [nowMs, limit, this.settings.logMax],
    );
    return raw.map((j) => JSON.parse(j) as JoinedDecision);
  }

  /** The reward log, oldest first. */
  async joined(): Promise<JoinedDecision[]> {
    const raw = await this.redis.lrange(RedisKeys.decision.learnLog(), 0, -1);
    return raw.map((j) => JSON.parse(j) as JoinedDecision);
  }

  /** Joined decisions ever appended (the log keeps only the newest). */
  async appended(): Promise<number> {
    return Number((await this.redis.get(RedisKeys.decision.learnAppended())) ?? 0);
  }

  async pending(): Promise<number> {
    return this.redis.zcard(RedisKeys.decision.learnDue());
  }
}
