import type { FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';

interface Entry<T> {
  value: T;
  at: number;
}

/**
 * Keeps item features, neighbour lists and trending for a short time in process memory. Scoring 100
 * candidates otherwise costs hundreds of Redis replies per decision, which is what bounds throughput; item
 * data changes slowly. Items are served stale-while-revalidate: an entry older than `ttlMs` is still used
 * once while a background read refreshes it, so expiries never put a burst of reads on a decision's path;
 * an entry older than `maxStaleMs` (or absent) is read synchronously. An out-of-stock item may therefore be
 * offered for about `ttlMs` (plus one read) after the catalogue says so. User features are never cached: a
 * session changes with every click.
 */
export class CachedFeatureSource implements FeatureSource {
  private readonly itemCache = new Map<string, Entry<ItemFeatures | null>>();
  private readonly listCache = new Map<string, Entry<ScoredItem[]>>();
  private readonly toRefresh = new Set<string>();
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly inner: FeatureSource,
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
    private readonly maxStaleMs = ttlMs * 5,
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
      const age = e ? now - e.at : Infinity;
      if (e && age < this.maxStaleMs) {
        if (e.value) out.set(id, e.value);
        if (age >= this.ttlMs) this.toRefresh.add(id);
      } else missing.push(id);
    }
    if (this.toRefresh.size > 0 && !this.refreshing) this.refreshing = this.refresh();
    if (missing.length > 0) {
      const fetched = await this.load(missing);
      for (const id of missing) {
        const f = fetched.get(id);
        if (f) out.set(id, f);
      }
    }
    return out;
  }

  /** Waits for a background refresh in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  private async load(ids: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const at = this.now();
    const fetched = await this.inner.items(ids);
    this.evictIfFull(this.itemCache);
    for (const id of ids) this.itemCache.set(id, { value: fetched.get(id) ?? null, at });
    return fetched;
  }

  private async refresh(): Promise<void> {
    try {
      while (this.toRefresh.size > 0) {
        const ids = [...this.toRefresh].slice(0, 500);
        for (const id of ids) this.toRefresh.delete(id);
        await this.load(ids);
      }
    } catch {
      // A failed refresh leaves the stale entries; they become misses (read on the decision path) at maxStaleMs.
    } finally {
      this.refreshing = undefined;
    }
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
