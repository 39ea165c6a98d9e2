import { randomUUID } from 'node:crypto';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { CategoryIndexConfig } from '../feature-store.config';
import { CATEGORY_SEPARATOR } from '../feature-store.reader';
import { termCounts } from '../rules/content-vector';
import { buildCategoryTermIndex, type CategorizedTerms } from '../rules/category-term-index';
import { encodeCategoryIndex } from '../store/category-index.codec';

const READ_CHUNK = 1000;
const WRITE_CHUNK = 2000;

/**
 * Rebuilds the category index from the whole catalog: each item's title and category path (as the catalog writer
 * stored them), filed under the leaf of its path, the id the category-browse trigger counts. The build goes to a key
 * of its own and is renamed over the live one, so concurrent rebuilds by several instances each land whole. A full
 * rebuild (not an update per item) because the IDF of every term moves with the catalog.
 */
export class CategoryIndexRefresher {
  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: CategoryIndexConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the number of categories indexed. */
  async rebuild(): Promise<number> {
    const ids = await this.redis.smembers(RedisKeys.contentItems());
    const items: CategorizedTerms[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const chunk = ids.slice(i, i + READ_CHUNK);
      const metas = await Promise.all(chunk.map((id) => this.redis.hmget(RedisKeys.item.meta(id), 'title', 'cat')));
      chunk.forEach((itemId, j) => {
        const [title, cat] = metas[j] ?? [];
        const path = (cat ?? '').split(CATEGORY_SEPARATOR).filter((c) => c.length > 0);
        const category = path[path.length - 1];
        if (title === null || title === undefined || category === undefined) return;
        items.push({ itemId, category, counts: termCounts({ title, description: '', categoryPath: path }) });
      });
    }
    const index = buildCategoryTermIndex(items, this.cfg);
    const fields = Object.entries(encodeCategoryIndex(index, String(this.now())));
    const build = RedisKeys.categoryIndexBuild(randomUUID());
    try {
      for (let i = 0; i < fields.length; i += WRITE_CHUNK) {
        await this.redis.hset(build, Object.fromEntries(fields.slice(i, i + WRITE_CHUNK)));
      }
      await this.redis.rename(build, RedisKeys.categoryIndex());
    } finally {
      await this.redis.del(build);
    }
    return index.categories.length;
  }
}
