import { join } from 'node:path';
import type { CatalogEvent } from '@offerstream/contracts';
import { encodeFloat16Vector, TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { FeatureStoreConfig } from '../feature-store.config';
import { CATEGORY_SEPARATOR } from '../feature-store.reader';
import { contentVector, termCounts } from '../rules/content-vector';

export interface CatalogPartitionEvent {
  offset: string;
  event: CatalogEvent;
}

/**
 * Catalog upserts and deletes: item metadata (a hash), the hashed TF-IDF content vector (float16 string) and the
 * document frequencies it needs. Metadata writes are idempotent overwrites (the topic is keyed by item, so one
 * item's events stay in order); document frequencies count each new item once per (partition, offset).
 */
export class CatalogWriter {
  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
    private readonly onItemChanged: (itemId: string) => void = () => undefined,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async applyBatch(partition: number, events: readonly CatalogPartitionEvent[]): Promise<void> {
    try {
      await this.apply(partition, events);
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', 'could not apply catalog batch', e, { partition });
    }
  }

  private async apply(partition: number, events: readonly CatalogPartitionEvent[]): Promise<void> {
    const upserts = events.filter((e) => e.event.type === 'item_upsert');
    const exists = await Promise.all(
      upserts.map((e) => this.redis.exists(RedisKeys.item.meta(e.event.payload.itemId))),
    );
    const counts = upserts.map((e) =>
      e.event.type === 'item_upsert' ? termCounts(e.event.payload) : new Map<number, number>(),
    );
    // Only items new to the store add to document frequencies (a re-upsert does not count twice).
    const seenInBatch = new Set<string>();
    const dfArgs: (string | number)[] = [String(partition)];
    const batchDf = new Map<number, number>();
    let batchDocs = 0;
    upserts.forEach((e, i) => {
      const id = e.event.payload.itemId;
      if (exists[i] || seenInBatch.has(id)) return;
      seenInBatch.add(id);
      const buckets = [...(counts[i]?.keys() ?? [])];
      dfArgs.push(e.offset, buckets.length, ...buckets);
      for (const b of buckets) batchDf.set(b, (batchDf.get(b) ?? 0) + 1);
      batchDocs++;
    });
    const allBuckets = [...new Set(counts.flatMap((c) => [...c.keys()]))];
    const dfRaw =
      allBuckets.length > 0 ? await this.redis.hmget(RedisKeys.contentIndex(), 'N', ...allBuckets.map(String)) : ['0'];
    const docsBefore = Number(dfRaw[0] ?? 0);
    const df = new Map<number, number>();
    allBuckets.forEach((b, i) => df.set(b, Number(dfRaw[i + 1] ?? 0)));
    if (dfArgs.length > 1) await runLua(this.redis, 'applyContentDf', [RedisKeys.contentIndex()], dfArgs);

    const writes: Promise<unknown>[] = [];
    const changed = new Set<string>();
    for (const [i, e] of upserts.entries()) {
      if (e.event.type !== 'item_upsert') continue;
      const p = e.event.payload;
      // Frequencies as they stand once this batch is counted, so that the first items of a catalog get sane IDF.
      const vec = contentVector(
        counts[i] ?? new Map<number, number>(),
        (b) => (df.get(b) ?? 0) + (batchDf.get(b) ?? 0),
        docsBefore + batchDocs,
        this.cfg.vectorDims,
      );
      const meta: Record<string, string> = {
        title: p.title,
        cat: p.categoryPath.join(CATEGORY_SEPARATOR),
        price: String(p.price),
        cur: p.currency,
        stock: String(p.stock),
        at: String(Date.parse(e.event.occurredAt)),
      };
      if (p.brand) meta['brand'] = p.brand;
      if (p.cost !== undefined) meta['cost'] = String(p.cost);
      if (p.marginRate !== undefined) meta['margin'] = String(p.marginRate);
      else if (p.cost !== undefined && p.price > 0) meta['margin'] = String((p.price - p.cost) / p.price);
      const tx = this.redis.multi();
      tx.del(RedisKeys.item.meta(p.itemId));
      tx.hset(RedisKeys.item.meta(p.itemId), meta);
      tx.set(RedisKeys.item.contentVector(p.itemId), encodeFloat16Vector(vec));
      writes.push(tx.exec());
      changed.add(p.itemId);
    }
    for (const e of events) {
      if (e.event.type !== 'item_delete') continue;
      const id = e.event.payload.itemId;
      writes.push(
        this.redis.del(RedisKeys.item.meta(id), RedisKeys.item.contentVector(id), RedisKeys.item.contentNeighbours(id)),
        this.redis.srem(RedisKeys.contentItems(), id),
      );
      changed.add(id);
    }
    await Promise.all(writes);
    const upserted = [...changed].filter((id) => upserts.some((u) => u.event.payload.itemId === id));
    if (upserted.length > 0) {
      await this.redis.sadd(RedisKeys.contentItems(), ...upserted);
      await this.redis.sadd(RedisKeys.contentDirty(), ...upserted);
    }
    for (const id of changed) this.onItemChanged(id);
  }
}
