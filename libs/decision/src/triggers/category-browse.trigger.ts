import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { DecisionRequest } from '../engine/decision.types';
import type { CategoryIntent, CategoryMatchView } from '../features/user-category-intent';

export interface CategoryBrowseSettings {
  /** Views of one category (without a purchase) that make a trigger. */
  readonly views: number;
  /** The count restarts after this long without a view. */
  readonly windowMs: number;
  /** A search that maps to a category counts as this many views of it (a query states intent more than a view). */
  readonly searchViews?: number;
}

/**
 * Repeated interest in one category without a purchase: views, and searches mapped to the shop's categories, count
 * per (user, category) in a hash that expires after the window; the trigger fires when the count crosses the
 * threshold (once per crossing) and is cleared by a purchase. The trigger id includes the day, so one category nudges
 * a user at most once a day. With the category intent, the category's typical items are the trigger's requested
 * candidates, so the offer leans to the category the user is after.
 */
export class CategoryBrowseTrigger {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: CategoryBrowseSettings,
    private readonly intent?: Pick<CategoryIntent, 'exemplarsOf'>,
  ) {}

  async view(
    userId: string,
    itemId: string,
    category: string | undefined,
    price: number | undefined,
    categoryPath: readonly string[] | undefined,
    nowMs: number,
  ): Promise<DecisionRequest | undefined> {
    if (category === undefined) return undefined;
    if (!(await this.crossed(userId, category, 1))) return undefined;
    const requested = (await this.exemplars(category)).filter((id) => id !== itemId);
    return {
      ...this.request(userId, category, nowMs),
      seeds: [{ itemId, ...(price !== undefined ? { price } : {}), ...(categoryPath ? { categoryPath } : {}) }],
      ...(requested.length > 0 ? { requested } : {}),
    };
  }

  /** A search, mapped to a shop category (UserCategoryIntent): counted as `searchViews` views of it. */
  async searched(userId: string, match: CategoryMatchView, nowMs: number): Promise<DecisionRequest | undefined> {
    if (!(await this.crossed(userId, match.category, this.settings.searchViews ?? 2))) return undefined;
    // The category's typical items stand in for the item a view would name (seeds are candidates themselves).
    return { ...this.request(userId, match.category, nowMs), seeds: match.exemplars.map((itemId) => ({ itemId })) };
  }

  async purchased(userId: string): Promise<void> {
    await this.redis.del(RedisKeys.decision.userBrowse(userId));
  }

  private async crossed(userId: string, category: string, by: number): Promise<boolean> {
    const key = RedisKeys.decision.userBrowse(userId);
    const [[, count]] = (await this.redis
      .multi()
      .hincrby(key, category, by)
      .pexpire(key, this.settings.windowMs)
      .exec()) as [[unknown, number], unknown];
    return count >= this.settings.views && count - by < this.settings.views;
  }

  private request(userId: string, category: string, nowMs: number): Omit<DecisionRequest, 'seeds'> {
    const day = new Date(nowMs).toISOString().slice(0, 10);
    return {
      trigger: 'category_browse',
      triggerId: `category_browse:${userId}:${category}:${day}`,
      userId,
      now: new Date(nowMs),
    };
  }

  private async exemplars(category: string): Promise<readonly string[]> {
    return this.intent ? this.intent.exemplarsOf(category).catch(() => []) : [];
  }
}
