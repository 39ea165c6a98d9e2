import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeUserState } from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import { hyperplaneLsh, lshBuckets, lshLayout, type HyperplaneLsh } from '../rules/random-hyperplanes';
import { cosine } from '../rules/vector-math';

export interface NearUser {
  readonly userId: string;
  /** Cosine of the stored user vectors (exact, not the hash's estimate). */
  readonly similarity: number;
  /** The neighbour's distinct items, most recent first. */
  readonly recentItems: readonly string[];
}

export interface ScoredItemId {
  readonly itemId: string;
  readonly score: number;
}

/** Users read per state MGET on a standalone Redis (on a Cluster each key is its own GET). */
const USERS_PER_READ = 128;

/**
 * Nearest users by the incremental user vectors: the query vector's bucket in every table gives candidates (the
 * most recently placed `probe` users of each), whose stored states are then read and ranked by exact cosine. A
 * candidate whose state has gone (expired, erased) or whose vector has moved away is dropped or ranked by where it
 * is now, so a stale index entry can cost a neighbour but never return a wrong one.
 */
export class NearestUsersReader {
  private readonly lsh: HyperplaneLsh | null;
  private readonly layout: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {
    const u = cfg.userIndex;
    this.lsh = u.tables > 0 ? hyperplaneLsh(cfg.vectorDims, u.tables, u.bits, u.seed) : null;
    this.layout = this.lsh ? lshLayout(this.lsh) : '';
  }

  get enabled(): boolean {
    return this.lsh !== null;
  }

  /** The user's own stored vector, then its nearest users; empty without a vector or with the index off. */
  async nearestTo(userId: string, k = this.cfg.userIndex.neighbours): Promise<NearUser[]> {
    const blob = await this.redis.getBuffer(RedisKeys.user.profile(userId));
    const vector = blob ? decodeUserState(blob).vector : null;
    return this.nearest(vector, k, userId);
  }

  async nearest(vector: Float32Array | null, k: number, self?: string): Promise<NearUser[]> {
    const lsh = this.lsh;
    const buckets = lsh ? lshBuckets(lsh, vector) : null;
    if (!buckets || !vector) return [];
    const probe = this.cfg.userIndex.probe;
    const lists = await Promise.all(
      buckets.map((b, t) => this.redis.zrevrange(RedisKeys.userIndexBucket(this.layout, t, b), 0, probe - 1)),
    );
    const ids = [...new Set(lists.flat())].filter((id) => id !== self);
    const blobs = await this.readStates(ids);
    const out: NearUser[] = [];
    ids.forEach((userId, i) => {
      const b = blobs[i];
      if (!b) return;
      const s = decodeUserState(b);
      const similarity = s.vector ? cosine(vector, s.vector) : 0;
      if (similarity > 0) out.push({ userId, similarity, recentItems: s.history.slice(0, this.cfg.recentMax) });
    });
    out.sort((a, b) => b.similarity - a.similarity || (a.userId < b.userId ? -1 : 1));
    return out.slice(0, k);
  }

  private async readStates(ids: readonly string[]): Promise<(Buffer | null)[]> {
    const keys = ids.map((id) => RedisKeys.user.profile(id));
    if (this.redis.isCluster) return Promise.all(keys.map((key) => this.redis.getBuffer(key)));
    const parts: Promise<(Buffer | null)[]>[] = [];
    for (let i = 0; i < keys.length; i += USERS_PER_READ)
      parts.push(this.redis.mgetBuffer(keys.slice(i, i + USERS_PER_READ)));
    return (await Promise.all(parts)).flat();
  }
}

/**
 * Items of the nearest users as candidates: each neighbour votes for its recent items with its similarity, the
 * vote halving every `halfLife` positions down its history (what it did last says most about it now).
 */
export function neighbourItems(users: readonly NearUser[], k: number, halfLife = 5): ScoredItemId[] {
  const score = new Map<string, number>();
  for (const u of users) {
    u.recentItems.forEach((itemId, pos) => {
      score.set(itemId, (score.get(itemId) ?? 0) + u.similarity * 0.5 ** (pos / halfLife));
    });
  }
  return [...score]
    .map(([itemId, s]) => ({ itemId, score: s }))
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
    .slice(0, k);
}
