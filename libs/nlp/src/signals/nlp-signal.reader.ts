import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { ReviewSentiment } from './nlp-signal.store';
import { bayesianMean, decayFactor, DEFAULT_INTENT_HALF_LIFE_HOURS } from './sentiment-aggregate';

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

export interface IntentScores {
  /** Highest first, decayed to `asOf`. */
  intents: { category: string; score: number }[];
  asOf: string;
  intentUpdatedAt: string | null;
}

export interface UserIntent extends IntentScores {
  userId: string;
  recentReviews: ReviewSentiment[];
}

const HOUR_MS = 3_600_000;
const NEGATIVE_TERMS_SHOWN = 20;

/**
 * Reads what NlpSignalStore writes, with the writer's own definitions: the smoothed sentiment uses the prior the
 * writer stored with the counts, and intent scores (held as of `intentAt`) decay to the read time with the
 * half-life the writer stored next to them.
 */
export class NlpSignalReader {
  constructor(private readonly redis: RedisClient) {}

  /** Counts, means and top negative terms; undefined when no review of the item was scored. */
  async itemSentiment(itemId: string): Promise<ItemSentiment | undefined> {
    const [h, terms] = await Promise.all([
      this.redis.hgetall(RedisKeys.item.sentiment(itemId)),
      this.redis.zrevrange(RedisKeys.item.negativeTerms(itemId), 0, NEGATIVE_TERMS_SHOWN - 1, 'WITHSCORES'),
    ]);
    const base = sentimentOf(h['count'], h['sumPositive'], h['priorMean'], h['priorWeight']);
    if (!base) return undefined;
    const num = (k: string): number => Number(h[k] ?? 0);
    const negativeTerms: { term: string; score: number }[] = [];
    for (let i = 0; i + 1 < terms.length; i += 2)
      negativeTerms.push({ term: terms[i] ?? '', score: Number(terms[i + 1]) });
    return {
      itemId,
      count: base.count,
      flagged: num('flagged'),
      positive: num('positive'),
      negative: num('negative'),
      neutral: num('neutral'),
      meanPositive: base.count > 0 ? base.sum / base.count : base.prior.mean,
      smoothedPositive: base.smoothed,
      prior: base.prior,
      negativeTerms,
    };
  }

  /** Smoothed positive share of each item with at least one counted review (flagged-only items are left out). */
  async smoothedSentiments(itemIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await Promise.all(
      itemIds.map((id) =>
        this.redis.hmget(RedisKeys.item.sentiment(id), 'count', 'sumPositive', 'priorMean', 'priorWeight'),
      ),
    );
    const out = new Map<string, number>();
    itemIds.forEach((id, i) => {
      const [count, sum, mean, weight] = rows[i] ?? [];
      const s = sentimentOf(count, sum, mean, weight);
      if (s && s.count > 0) out.set(id, s.smoothed);
    });
    return out;
  }

  /** The user's intent scores decayed to `now`, highest first (`limit` of them when given). */
  async intentScores(userId: string, now = Date.now(), limit?: number): Promise<IntentScores | undefined> {
    const [[at, halfLife], held] = await Promise.all([
      this.redis.hmget(RedisKeys.user.nlpWatermark(userId), 'intentAt', 'intentHalfLifeMs'),
      this.redis.zrevrange(RedisKeys.user.intent(userId), 0, limit === undefined ? -1 : limit - 1, 'WITHSCORES'),
    ]);
    if (held.length === 0) return undefined;
    // The writer sets intentAt with every intent it adds; without it the scores cannot be aged, so they count as new.
    const heldAt = at == null ? now : Number(at);
    const halfLifeMs = halfLife == null ? DEFAULT_INTENT_HALF_LIFE_HOURS * HOUR_MS : Number(halfLife);
    const f = decayFactor(now - heldAt, halfLifeMs);
    const intents: { category: string; score: number }[] = [];
    for (let i = 0; i + 1 < held.length; i += 2)
      intents.push({ category: held[i] ?? '', score: Number(held[i + 1]) * f });
    return {
      intents,
      asOf: new Date(now).toISOString(),
      intentUpdatedAt: at == null ? null : new Date(heldAt).toISOString(),
    };
  }

  /** Decayed intents and the recent reviews of a user; undefined when neither exists. */
  async userIntent(userId: string, now = Date.now()): Promise<UserIntent | undefined> {
    const [scores, reviews] = await Promise.all([
      this.intentScores(userId, now),
      this.redis.lrange(RedisKeys.user.reviewSentiment(userId), 0, -1),
    ]);
    if (!scores && reviews.length === 0) return undefined;
    return {
      userId,
      intents: scores?.intents ?? [],
      asOf: new Date(now).toISOString(),
      intentUpdatedAt: scores?.intentUpdatedAt ?? null,
      recentReviews: reviews.map((r) => JSON.parse(r) as ReviewSentiment),
    };
  }
}

interface StoredSentiment {
  count: number;
  sum: number;
  prior: { mean: number; weight: number };
  smoothed: number;
}

type Field = string | null | undefined;

/** The writer stores the prior in the same script call as the counts, so a hash without it holds no sentiment. */
function sentimentOf(count: Field, sum: Field, priorMean: Field, priorWeight: Field): StoredSentiment | undefined {
  if (priorMean == null || priorWeight == null) return undefined;
  const c = Number(count ?? 0);
  const s = Number(sum ?? 0);
  const prior = { mean: Number(priorMean), weight: Number(priorWeight) };
  return { count: c, sum: s, prior, smoothed: bayesianMean(s, c, prior.mean, prior.weight) };
}
