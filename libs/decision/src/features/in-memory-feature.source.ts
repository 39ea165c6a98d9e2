import type { CandidateSource, FeatureSource, ItemFeatures, ScoredItem, UserFeatures } from './feature-source.port';

/**
 * A feature source held in memory: for tests, benchmarks and a demo without the feature store. Neighbour
 * lists are merged over the seed items, keeping each item's best score.
 */
export class InMemoryFeatureSource implements FeatureSource {
  readonly name = 'in-memory@1';
  readonly users = new Map<string, UserFeatures>();
  readonly itemMap = new Map<string, ItemFeatures>();
  readonly neighbourMap = new Map<string, ScoredItem[]>();
  readonly contentMap = new Map<string, ScoredItem[]>();
  trendingItems: ScoredItem[] = [];

  async user(userId: string): Promise<UserFeatures | undefined> {
    return this.users.get(userId);
  }

  async items(itemIds: readonly string[]): Promise<Map<string, ItemFeatures>> {
    const out = new Map<string, ItemFeatures>();
    for (const id of itemIds) {
      const f = this.itemMap.get(id);
      if (f) out.set(id, f);
    }
    return out;
  }

  async neighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return mergeLists(
      itemIds.map((id) => this.neighbourMap.get(id) ?? []),
      k,
    );
  }

  async contentNeighbours(itemIds: readonly string[], k: number): Promise<ScoredItem[]> {
    return mergeLists(
      itemIds.map((id) => this.contentMap.get(id) ?? []),
      k,
    );
  }

  async trending(k: number): Promise<ScoredItem[]> {
    return this.trendingItems.slice(0, k);
  }
}

/** A feature source that knows nothing: every decision is a cold start. */
export class EmptyFeatureSource implements FeatureSource {
  readonly name = 'none';
  async user(): Promise<undefined> {
    return undefined;
  }
  async items(): Promise<Map<string, ItemFeatures>> {
    return new Map();
  }
  async neighbours(): Promise<ScoredItem[]> {
    return [];
  }
  async contentNeighbours(): Promise<ScoredItem[]> {
    return [];
  }
  async trending(): Promise<ScoredItem[]> {
    return [];
  }
}

export class InMemoryCandidateSource implements CandidateSource {
  readonly name = 'in-memory-gnn@1';
  readonly byUser = new Map<string, ScoredItem[]>();
  async candidates(userId: string, k: number): Promise<ScoredItem[]> {
    return (this.byUser.get(userId) ?? []).slice(0, k);
  }
}

export function mergeLists(lists: readonly (readonly ScoredItem[])[], k: number): ScoredItem[] {
  const best = new Map<string, number>();
  for (const list of lists) {
    for (const s of list) best.set(s.itemId, Math.max(best.get(s.itemId) ?? -Infinity, s.score));
  }
  return [...best]
    .map(([itemId, score]) => ({ itemId, score }))
    .sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId))
    .slice(0, k);
}
