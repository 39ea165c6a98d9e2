import { personalizationAllowed } from '../campaign/consent-gate';
import type { FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';
import type { UserCategoryIntent } from './user-category-intent';

/**
 * Adds the user's intent in the shop's own categories (searches and reviews mapped by the category index) to another
 * source's user features, beside the NLP worker's corpus-labelled intent: the policy looks intent up by the
 * candidate's category path, so only keys that are shop category ids can ever match. Where both name a category, the
 * stronger wins.
 */
export class CategoryIntentSource implements FeatureSource {
  constructor(
    private readonly inner: FeatureSource,
    private readonly intent: UserCategoryIntent,
  ) {}

  get name(): string {
    return `${this.inner.name}+catintent`;
  }

  async user(userId: string): Promise<UserFeatures | undefined> {
    const [u, scores] = await Promise.all([this.inner.user(userId), this.intent.scores(userId)]);
    // Intent is personal data too: a user who refused personalization decides without it.
    if (Object.keys(scores).length === 0 || !personalizationAllowed(u)) return u;
    const intent: Record<string, number> = { ...(u?.intent ?? {}) };
    for (const [category, score] of Object.entries(scores)) intent[category] = Math.max(intent[category] ?? 0, score);
    return { ...(u ?? { userId }), intent };
  }

  items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    return this.inner.items(itemIds);
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
