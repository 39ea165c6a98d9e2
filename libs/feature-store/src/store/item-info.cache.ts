import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeFloat16Vector } from '@offerstream/core';
import { CATEGORY_SEPARATOR } from '../feature-store.reader';
import type { ItemInfo } from '../rules/user-profile.rules';

/**
 * Catalog facts the user rules need (leaf category, brand, price, content vector), cached in process with a TTL
 * so that a hot item costs one Redis read per minute rather than one per event.
 */
export class ItemInfoCache {
  private readonly entries = new Map<string, { at: number; info: ItemInfo }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async load(itemIds: Iterable<string>): Promise<Map<string, ItemInfo>> {
    const out = new Map<string, ItemInfo>();
    const missing: string[] = [];
    const now = this.now();
    for (const id of itemIds) {
      if (out.has(id)) continue;
      const hit = this.entries.get(id);
      if (hit && now - hit.at < this.ttlMs) out.set(id, hit.info);
      else missing.push(id);
    }
    const loaded = await Promise.all(
      missing.map(async (id) => {
        const [meta, vec] = await Promise.all([
          this.redis.hmget(RedisKeys.item.meta(id), 'cat', 'brand', 'price'),
          this.redis.getBuffer(RedisKeys.item.contentVector(id)),
        ]);
        const [cat, brand, price] = meta;
        const path = cat ? cat.split(CATEGORY_SEPARATOR) : [];
        const info: ItemInfo = {
          category: path[path.length - 1] ?? null,
          brand: brand || null,
          price: price ? Number(price) : null,
          vector: vec ? decodeFloat16Vector(vec) : null,
        };
        return [id, info] as const;
      }),
    );
    for (const [id, info] of loaded) {
      out.set(id, info);
      if (this.maxEntries > 0) {
        if (this.entries.size >= this.maxEntries) {
          const oldest = this.entries.keys().next();
          if (!oldest.done) this.entries.delete(oldest.value);
        }
        this.entries.set(id, { at: now, info });
      }
    }
    return out;
  }

  invalidate(itemId: string): void {
    this.entries.delete(itemId);
  }
}
