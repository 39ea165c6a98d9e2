import { join } from 'node:path';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';

/** One scored review of an item, as the item script takes it. */
export interface ItemReviewEntry {
  o: string;
  p: number;
  l: 'positive' | 'negative' | 'neutral';
  /** 1 when the text gave no usable signal (empty, unsupported language): counted apart, not in the mean. */
  f?: 1;
  /** Most negative terms of a negative review, [term, score]. */
  t?: [string, number][];
}

/** One user event with NLP output, as the user script takes it. */
export interface UserSignalEntry {
  o: string;
  /** Event time, epoch ms; drives the intent decay, so replays give the same scores as the first run. */
  t: number;
  /** Search intent: [category, probability] above the threshold. */
  c?: [string, number][];
  /** Review record (JSON of ReviewSentiment) for the user's recent-review list. */
  r?: string;
}

/** The record kept in the user's recent-review list. */
export interface ReviewSentiment {
  itemId: string;
  eventId: string;
  positive: number;
  label: 'positive' | 'negative' | 'neutral';
  rating: number;
  language: string;
  flags: string[];
  occurredAt: string;
}

export interface NlpSignalWriterSettings {
  priorMean: number;
  priorWeight: number;
  maxNegativeTerms: number;
  intentHalfLifeMs: number;
  maxIntents: number;
  maxUserReviews: number;
  /** Expiry of a user's signal keys, renewed on every write (an idle user's intent and reviews go, as profiles do). */
  userTtlMs: number;
}

/**
 * The writer of the NLP signals in Redis. Writes go through two Lua scripts, one per key group (an item's keys, a
 * user's keys), each guarded by a per-(topic, partition) offset watermark kept in the same hash slot. The scripts
 * store the sentiment prior and the intent half-life next to the state they shaped, so NlpSignalReader needs no
 * settings of its own.
 */
export class NlpSignalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: NlpSignalWriterSettings,
  ) {
    loadLuaScripts(redis, join(__dirname, 'lua'));
  }

  static watermarkField(topic: string, partition: number): string {
    return `${topic}:${partition}`;
  }

  async applyItemReviews(itemId: string, wmField: string, entries: ItemReviewEntry[]): Promise<number> {
    const keys = [
      RedisKeys.item.nlpWatermark(itemId),
      RedisKeys.item.sentiment(itemId),
      RedisKeys.item.negativeTerms(itemId),
    ];
    const s = this.settings;
    const args = [wmField, s.priorMean, s.priorWeight, s.maxNegativeTerms, JSON.stringify(entries)];
    return this.run('applyItemReviews', keys, args, { itemId });
  }

  async applyUserSignals(userId: string, wmField: string, entries: UserSignalEntry[]): Promise<number> {
    const keys = [
      RedisKeys.user.nlpWatermark(userId),
      RedisKeys.user.intent(userId),
      RedisKeys.user.reviewSentiment(userId),
      RedisKeys.user.erased(userId),
    ];
    const s = this.settings;
    const args = [wmField, s.intentHalfLifeMs, s.maxIntents, s.maxUserReviews, JSON.stringify(entries), s.userTtlMs];
    return this.run('applyUserSignals', keys, args, { userId });
  }

  /**
   * Forgets a user's NLP signals (intent, review sentiments, their watermarks). Late events are dropped by the
   * tombstone the feature store writes in the same slot. Idempotent; returns the number of keys removed. Static: the
   * erasure runs where no NLP writer settings exist (the decision service), and needs none.
   */
  static async eraseUser(redis: RedisClient, userId: string): Promise<number> {
    return redis.del(
      RedisKeys.user.nlpWatermark(userId),
      RedisKeys.user.intent(userId),
      RedisKeys.user.reviewSentiment(userId),
    );
  }

  private async run(
    script: string,
    keys: string[],
    args: (string | number)[],
    context: Record<string, unknown>,
  ): Promise<number> {
    try {
      return await runLua<number>(this.redis, script, keys, args);
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', `NLP state update failed (${script})`, e, context);
    }
  }
}
