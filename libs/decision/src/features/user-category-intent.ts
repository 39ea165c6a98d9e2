import { RedisKeys, type RedisClient } from '@offerstream/redis';

export interface CategoryMatchView {
  readonly category: string;
  readonly similarity: number;
  readonly exemplars: readonly string[];
}

/** Text to the shop's own categories: the feature store's CategoryIntentReader. */
export interface CategoryIntent {
  categoriesOf(text: string, k?: number): Promise<readonly CategoryMatchView[]>;
  exemplarsOf(category: string): Promise<readonly string[]>;
}

export interface UserCategoryIntentSettings {
  /** Intent counts this long after the user's latest search or review that mapped to a category. */
  readonly windowMs: number;
  /** Categories kept per user (the strongest). */
  readonly max: number;
}

/**
 * A user's intent in the shop's categories, from the searches and reviews that map to one: each adds its weight to
 * the category in a per-user sorted set that expires a window after the latest such text. Read back capped at 1, as
 * the intent feature is probability-like. Redelivered events add again (like the browse counts): intent is a nudge,
 * not a ledger.
 */
export class UserCategoryIntent {
  constructor(
    private readonly redis: RedisClient,
    private readonly intent: CategoryIntent,
    private readonly settings: UserCategoryIntentSettings,
  ) {}

  /**
   * The category index this reads texts with (the category-browse trigger takes a category's typical items from it).
   */
  get categories(): CategoryIntent {
    return this.intent;
  }

  /** Maps a text to its best category and records it; undefined when it maps to none (or the index cannot be read). */
  async fromText(userId: string, text: string, weight: number): Promise<CategoryMatchView | undefined> {
    // Intent is optional: an unreadable index leaves the text without intent rather than failing the batch.
    const [best] = await this.intent.categoriesOf(text, 1).catch(() => []);
    if (!best) return undefined;
    const key = RedisKeys.decision.userCategoryIntent(userId);
    await this.redis
      .multi()
      .zincrby(key, weight, best.category)
      .zremrangebyrank(key, 0, -(this.settings.max + 1))
      .pexpire(key, this.settings.windowMs)
      .exec();
    return best;
  }

  /** Category -> intent in [0, 1], strongest first. */
  async scores(userId: string): Promise<Record<string, number>> {
    const flat = await this.redis.zrevrange(RedisKeys.decision.userCategoryIntent(userId), 0, -1, 'WITHSCORES');
    const out: Record<string, number> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = Math.min(1, Math.max(0, Number(flat[i + 1])));
    return out;
  }
}
