import { join } from 'node:path';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { bayesianMean, decayFactor } from './sentiment-aggregate';

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

export interface AggregateSettings {
  priorMean: number;
  priorWeight: number;
  maxNegativeTerms: number;
  intentHalfLifeMs: number;
  maxIntents: number;
  maxUserReviews: number;
}

export interface ItemSentiment {
  itemId: string;
  count: number;
  flagged: number;
  positive: number;
  negative: number;
  neutral: number;
  meanPositive: number;
  smoothedPositive: number;
  prior: { mean: number; weight: number };
  negativeTerms: { term: string; score: number }[];
}

export interface UserIntent {
  userId: string;
  /** Scores decayed to `asOf`. */
  intents: { category: string; score: number }[];
  asOf: string;
  intentUpdatedAt: string | null;
  recentReviews: ReviewSentiment[];
}

/**
 * The NLP worker's Redis state. Writes go through two Lua scripts, one per key group (an item's keys, a user's
 * keys), each guarded by a per-(topic, partition) offset watermark kept in the same hash slot.
 */
export class NlpSignalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: AggregateSettings,
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
    return this.run(
      'applyItemReviews',
      keys,
      [wmField, s.priorMean, s.priorWeight, s.maxNegativeTerms, JSON.stringify(entries)],
      {
        itemId,
      },
    );
  }

  async applyUserSignals(userId: string, wmField: string, entries: UserSignalEntry[]): Promise<number> {
    const keys = [
      RedisKeys.user.nlpWatermark(userId),
      RedisKeys.user.intent(userId),
      RedisKeys.user.reviewSentiment(userId),
    ];
    const s = this.settings;
    return this.run(
      'applyUserSignals',
      keys,
      [wmField, s.intentHalfLifeMs, s.maxIntents, s.maxUserReviews, JSON.stringify(entries)],
      {
        userId,
      },
    );
  }

  async itemSentiment(itemId: string): Promise<ItemSentiment | undefined> {
    const [h, terms] = await Promise.all([
      this.redis.hgetall(RedisKeys.item.sentiment(itemId)),
      this.redis.zrevrange(RedisKeys.item.negativeTerms(itemId), 0, 19, 'WITHSCORES'),
    ]);
    if (Object.keys(h).length === 0) return undefined;
    const num = (k: string, d = 0): number => (h[k] === undefined ? d : Number(h[k]));
    const count = num('count');
    const sum = num('sumPositive');
    const priorMean = num('priorMean', this.settings.priorMean);
    const priorWeight = num('priorWeight', this.settings.priorWeight);
    const negativeTerms: { term: string; score: number }[] = [];
    for (let i = 0; i + 1 < terms.length; i += 2)
      negativeTerms.push({ term: terms[i] ?? '', score: Number(terms[i + 1]) });
    return {
      itemId,
      count,
      flagged: num('flagged'),
      positive: num('positive'),
      negative: num('negative'),
      neutral: num('neutral'),
      meanPositive: count > 0 ? sum / count : priorMean,
      smoothedPositive: bayesianMean(sum, count, priorMean, priorWeight),
      prior: { mean: priorMean, weight: priorWeight },
      negativeTerms,
    };
  }

  async userIntent(userId: string, now = Date.now()): Promise<UserIntent | undefined> {
    const [at, held, reviews] = await Promise.all([
      this.redis.hget(RedisKeys.user.nlpWatermark(userId), 'intentAt'),
      this.redis.zrevrange(RedisKeys.user.intent(userId), 0, -1, 'WITHSCORES'),
      this.redis.lrange(RedisKeys.user.reviewSentiment(userId), 0, -1),
    ]);
    if (held.length === 0 && reviews.length === 0) return undefined;
    const heldAt = at === null ? now : Number(at);
    const f = decayFactor(now - heldAt, this.settings.intentHalfLifeMs);
    const intents: { category: string; score: number }[] = [];
    for (let i = 0; i + 1 < held.length; i += 2)
      intents.push({ category: held[i] ?? '', score: Number(held[i + 1]) * f });
    return {
      userId,
      intents,
      asOf: new Date(now).toISOString(),
      intentUpdatedAt: at === null ? null : new Date(heldAt).toISOString(),
      recentReviews: reviews.map((r) => JSON.parse(r) as ReviewSentiment),
    };
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
