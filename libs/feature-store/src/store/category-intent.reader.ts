import { RedisKeys, type RedisClient } from '@offerstream/redis';
import {
  matchCategories,
  textTerms,
  type CategoryInfo,
  type CategoryMatch,
  type CategoryTermRow,
} from '../rules/category-term-index';
import { CATEGORY_INDEX_FIELDS as F, decodeCategories, decodeCategoryRow } from './category-index.codec';

export interface CategoryIntentSettings {
  /** A text maps to a category from this cosine up; below it, to nothing. */
  readonly minSimilarity: number;
}

/**
 * What a search query or review is about, in the shop's own category ids: the nearest centroids of the category index
 * the stream processor keeps (CategoryIndexRefresher). One HMGET per text (the version and the rows of its own
 * terms); the category list is read again only when the version changes.
 */
export class CategoryIntentReader {
  private categories: { version: string; docs: number; list: CategoryInfo[] } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: CategoryIntentSettings,
  ) {}

  /** The `k` best categories of a text, best first; empty when nothing clears the threshold or no index exists yet. */
  async categoriesOf(text: string, k = 3): Promise<CategoryMatch[]> {
    const counts = textTerms(text);
    if (counts.size === 0) return [];
    const buckets = [...counts.keys()];
    const key = RedisKeys.categoryIndex();
    const [version, ...raw] = await this.redis.hmget(key, F.version, ...buckets.map(String));
    if (version === null || version === undefined) return [];
    const categories = await this.categoriesAt(version);
    if (!categories) return [];
    const rows = new Map<number, CategoryTermRow>();
    buckets.forEach((b, i) => {
      const r = raw[i];
      if (r) rows.set(b, decodeCategoryRow(r));
    });
    return matchCategories(
      counts,
      { docs: categories.docs, categories: categories.list, rows },
      k,
      this.settings.minSimilarity,
    );
  }

  /** The most typical items of a shop category (empty when it is not indexed). */
  async exemplarsOf(category: string): Promise<readonly string[]> {
    const version = await this.redis.hget(RedisKeys.categoryIndex(), F.version);
    const categories = version === null ? undefined : await this.categoriesAt(version);
    return categories?.list.find((c) => c.category === category)?.exemplars ?? [];
  }

  private async categoriesAt(version: string): Promise<{ docs: number; list: CategoryInfo[] } | undefined> {
    if (this.categories?.version === version) return this.categories;
    const [v, docs, cats] = await this.redis.hmget(RedisKeys.categoryIndex(), F.version, F.docs, F.categories);
    // A rebuild renamed in between: the rows just read belong to the newer one, so both must be read again later.
    if (v !== version || !cats) return undefined;
    this.categories = { version, docs: Number(docs ?? 0), list: decodeCategories(cats) };
    return this.categories;
  }
}
