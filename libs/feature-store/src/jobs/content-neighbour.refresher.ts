import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeFloat16Vector } from '@offerstream/core';
import type { FeatureStoreConfig } from '../feature-store.config';
import { dot, topK } from '../rules/vector-math';

/**
 * Content neighbours by brute-force cosine over the (unit) content vectors of the catalog, for items whose
 * content changed. Keeps a local copy of the vectors, refreshed for the dirty items only; meant for catalogs
 * up to ~10^5 items (beyond that an ANN index would replace the scan).
 */
export class ContentNeighbourRefresher {
  private readonly vectors = new Map<string, Float32Array>();
  private loaded = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {}

  async refreshDirty(max = 200): Promise<number> {
    const dirty = await this.redis.spop(RedisKeys.contentDirty(), max);
    if (dirty.length === 0) return 0;
    if (!this.loaded) {
      await this.loadVectors(await this.redis.smembers(RedisKeys.contentItems()));
      this.loaded = true;
    } else {
      await this.loadVectors(dirty);
    }
    const writes: Promise<unknown>[] = [];
    for (const id of dirty) {
      const v = this.vectors.get(id);
      const tx = this.redis.multi().del(RedisKeys.item.contentNeighbours(id));
      if (v) {
        const scored: { itemId: string; score: number }[] = [];
        for (const [other, w] of this.vectors) if (other !== id) scored.push({ itemId: other, score: dot(v, w) });
        const best = topK(scored, this.cfg.neighboursK).filter((b) => b.score > 0);
        if (best.length > 0) tx.zadd(RedisKeys.item.contentNeighbours(id), ...best.flatMap((b) => [b.score, b.itemId]));
      }
      writes.push(tx.exec());
    }
    await Promise.all(writes);
    return dirty.length;
  }

  private async loadVectors(ids: string[]): Promise<void> {
    const bufs = await Promise.all(ids.map((id) => this.redis.getBuffer(RedisKeys.item.contentVector(id))));
    ids.forEach((id, i) => {
      const b = bufs[i];
      if (b) this.vectors.set(id, decodeFloat16Vector(b));
      else this.vectors.delete(id);
    });
  }
}
