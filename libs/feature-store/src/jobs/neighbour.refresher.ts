import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { FeatureStoreConfig } from '../feature-store.config';
import { coocCosine, topK } from '../rules/vector-math';
import type { Neighbour } from '../feature-store.reader';

/**
 * Recomputes the top-K behavioural neighbours of items whose co-occurrence changed: cosine of decayed counts,
 * c(i,j) / sqrt(n(i) n(j)), over the item's bounded co-occurrence set. Runs off the hot path on a timer;
 * the result depends only on the counts, so every instance (and a replay) converges to the same lists.
 */
export class NeighbourRefresher {
  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {}

  /** Refreshes up to `max` dirty items; returns how many. */
  async refreshDirty(max = 500): Promise<number> {
    const items = await this.redis.spop(RedisKeys.neighbourDirty(), max);
    if (items.length === 0) return 0;
    await Promise.all(items.map((id) => this.refresh(id)));
    return items.length;
  }

  async refreshAll(): Promise<number> {
    let total = 0;
    for (let n = await this.refreshDirty(); n > 0; n = await this.refreshDirty()) total += n;
    return total;
  }

  async refresh(itemId: string): Promise<Neighbour[]> {
    const [flat, own] = await Promise.all([
      this.redis.zrevrange(RedisKeys.item.cooc(itemId), 0, -1, 'WITHSCORES'),
      this.redis.hget(RedisKeys.item.watermark(itemId), 'n'),
    ]);
    const partners: [string, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) partners.push([flat[i] ?? '', Number(flat[i + 1])]);
    const masses = await Promise.all(partners.map(([p]) => this.redis.hget(RedisKeys.item.watermark(p), 'n')));
    const ni = Number(own ?? 0);
    const scored = partners.map(([p, c], i) => ({ itemId: p, score: coocCosine(c, ni, Number(masses[i] ?? 0)) }));
    const best = topK(
      scored.filter((s) => s.score > 0),
      this.cfg.neighboursK,
    );
    const tx = this.redis.multi().del(RedisKeys.item.neighbours(itemId));
    if (best.length > 0) tx.zadd(RedisKeys.item.neighbours(itemId), ...best.flatMap((b) => [b.score, b.itemId]));
    await tx.exec();
    return best;
  }
}
