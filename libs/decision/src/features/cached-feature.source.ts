import type { FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';

interface Entry<T> {
  value: T;
  at: number;
}

/**
 * Keeps item features, neighbour lists and trending for a short time in process memory. Scoring 100
 * candidates otherwise costs hundreds of Redis replies per decision, which is what bounds throughput; item
 * data changes slowly, and the TTL bounds how stale a stock level can be (an out-of-stock item may be
 * offered for at most `ttlMs` after the catalogue says so). User features are never cached: a session
 * changes with every click.
 */
export class CachedFeatureSource implements FeatureSource {
  private readonly itemCache = new Map<string, Entry<ItemFeatures | null>>();
  private readonly listCache = new Map<string, Entry<ScoredItem[]>>();

  constructor(
    private readonly inner: FeatureSource,
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get name(): string {
    return `${this.inner.name}+cache${this.ttlMs}ms`;
  }

  user(userId: string): Promise<UserFeatures | undefined> {
    return this.inner.user(userId);
  }

  async items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const now = this.now();
    const out = new Map<string, ItemFeatures>();
    const missing: string[] = [];
    for (const id of itemIds) {
      const e = this.itemCache.get(id);
      if (e && now - e.at < this.ttlMs) {
        if (e.value) out.set(id, e.value);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      const fetched = await this.inner.items(missing);
      this.evictIfFull(this.itemCache);
      for (const id of missing) {
        const f = fetched.get(id) ?? null;
        this.itemCache.set(id, { value: f, at: now });
        if (f) out.set(id, f);
      }
    }
    return out;
  }

  neighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return this.list(`n|${k}|${itemIds.join(',')}`, () => this.inner.neighbours(itemIds, k));
  }

  contentNeighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return this.list(`c|${k}|${itemIds.join(',')}`, () => this.inner.contentNeighbours(itemIds, k));
  }

  trending(k: number): Promise<ScoredItem[]> {
    return this.list(`t|${k}`, () => this.inner.trending(k));
  }

  private async list(key: string, load: () => Promise<ScoredItem[]>): Promise<ScoredItem[]> {
    const now = this.now();
    const e = this.listCache.get(key);
    if (e && now - e.at < this.ttlMs) return e.value;
    const value = await load();
    this.evictIfFull(this.listCache);
    this.listCache.set(key, { value, at: now });
    return value;
  }

  /** Drops the oldest insertions first (Map keeps insertion order); crude but bounded and allocation-free. */
  private evictIfFull<T>(m: Map<string, T>): void {
    if (m.size < this.maxEntries) return;
    let drop = Math.ceil(this.maxEntries / 10);
    for (const k of m.keys()) {
      if (drop-- <= 0) break;
      m.delete(k);
    }
  }
}
