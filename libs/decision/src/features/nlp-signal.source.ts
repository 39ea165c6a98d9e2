import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';

/**
 * Adds the NLP worker's signals to another feature source: the smoothed share of positive reviews of each
 * item and the user's recent search intent per category. Read from the keys the worker writes
 * (RedisKeys.item.sentiment: count, sumPositive, priorMean, priorWeight; RedisKeys.user.intent: category ->
 * score). Absent keys simply leave the signal missing.
 */
export class NlpSignalSource implements FeatureSource {
  constructor(
    private readonly inner: FeatureSource,
    private readonly redis: RedisClient,
  ) {}

  get name(): string {
    return `${this.inner.name}+nlp`;
  }

  async user(userId: string): Promise<UserFeatures | undefined> {
    const [u, intents] = await Promise.all([this.inner.user(userId), this.redis.zrevrange(RedisKeys.user.intent(userId), 0, 9, 'WITHSCORES')]);
    if (intents.length === 0) return u;
    const intent: Record<string, number> = {};
    for (let i = 0; i + 1 < intents.length; i += 2) intent[intents[i] as string] = Math.min(1, Math.max(0, Number(intents[i + 1])));
    return { ...(u ?? { userId }), intent };
  }

  async items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const [base, sentiments] = await Promise.all([
      this.inner.items(itemIds),
      Promise.all(itemIds.map((id) => this.redis.hmget(RedisKeys.item.sentiment(id), 'count', 'sumPositive', 'priorMean', 'priorWeight'))),
    ]);
    itemIds.forEach((id, i) => {
      const [count, sum, priorMean, priorWeight] = (sentiments[i] ?? []).map((v) => (v === null ? undefined : Number(v)));
      if (!(count !== undefined && count > 0 && sum !== undefined)) return;
      const m = priorMean ?? 0.5;
      const w = priorWeight ?? 5;
      base.set(id, { ...(base.get(id) ?? { itemId: id }), sentiment: (sum + m * w) / (count + w) });
    });
    return base;
  }

  neighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return this.inner.neighbours(itemIds, k);
  }

  contentNeighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return this.inner.contentNeighbours(itemIds, k);
  }

  trending(k: number): Promise<ScoredItem[]> {
    return this.inner.trending(k);
  }
}
