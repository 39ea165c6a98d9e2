import { NlpSignalReader } from '@offerstream/nlp';
import type { RedisClient } from '@offerstream/redis';
import { personalizationAllowed } from '../campaign/consent-gate';
import type { FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';

/** The intent categories a user's features carry: the strongest ones are what a trigger can act on. */
const INTENT_CATEGORIES = 10;

/**
 * Adds the NLP worker's signals to another feature source through the worker's own reader (libs/nlp): the smoothed
 * share of positive reviews of each item and the user's search intent per category, decayed to now. Intent is a
 * probability-like feature, so a score summed over many searches is capped at 1. Absent signals stay missing.
 */
export class NlpSignalSource implements FeatureSource {
  private readonly reader: NlpSignalReader;

  constructor(
    private readonly inner: FeatureSource,
    redis: RedisClient,
    private readonly now: () => number = Date.now,
  ) {
    this.reader = new NlpSignalReader(redis);
  }

  get name(): string {
    return `${this.inner.name}+nlp`;
  }

  async user(userId: string): Promise<UserFeatures | undefined> {
    const [u, scores] = await Promise.all([
      this.inner.user(userId),
      this.reader.intentScores(userId, this.now(), INTENT_CATEGORIES),
    ]);
    // Intent is personal data too: a user who refused personalization decides without it.
    if (!scores || !personalizationAllowed(u)) return u;
    const intent: Record<string, number> = {};
    for (const { category, score } of scores.intents) intent[category] = Math.min(1, Math.max(0, score));
    return { ...(u ?? { userId }), intent };
  }

  async items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const [base, sentiments] = await Promise.all([this.inner.items(itemIds), this.reader.smoothedSentiments(itemIds)]);
    for (const [id, sentiment] of sentiments) base.set(id, { ...(base.get(id) ?? { itemId: id }), sentiment });
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
