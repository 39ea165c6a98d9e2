import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { DecisionRequest } from '../engine/decision.types';

export interface CategoryBrowseSettings {
  /** Views of one category (without a purchase) that make a trigger. */
  readonly views: number;
  /** The count restarts after this long without a view. */
  readonly windowMs: number;
}

/**
 * Repeated views in one category without a purchase: counts per (user, category) in a hash that expires
 * after the window, fires when the count reaches the threshold (once per crossing), and is cleared by a
 * purchase. The trigger id includes the day, so one category nudges a user at most once a day.
 */
export class CategoryBrowseTrigger {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: CategoryBrowseSettings,
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
    const key = RedisKeys.decision.userBrowse(userId);
    const [[, count]] = (await this.redis
      .multi()
      .hincrby(key, category, 1)
      .pexpire(key, this.settings.windowMs)
      .exec()) as [[unknown, number], unknown];
    if (count !== this.settings.views) return undefined;
    const day = new Date(nowMs).toISOString().slice(0, 10);
    return {
      trigger: 'category_browse',
      triggerId: `category_browse:${userId}:${category}:${day}`,
      userId,
      channel: 'push',
      seeds: [{ itemId, ...(price !== undefined ? { price } : {}), ...(categoryPath ? { categoryPath } : {}) }],
      now: new Date(nowMs),
    };
  }

  async purchased(userId: string): Promise<void> {
    await this.redis.del(RedisKeys.decision.userBrowse(userId));
  }
}
