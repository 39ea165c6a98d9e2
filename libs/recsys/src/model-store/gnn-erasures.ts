import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { UserItemGraph } from '../graph-store/user-item.graph';

/** Erasures counted against what the published model includes; `requested > applied` means a publish is owed. */
export interface ErasureMarks {
  readonly requested: number;
  readonly applied: number;
}

const SCAN_CHUNK = 10_000;

/**
 * How an erased user leaves the GNN model. The erasure (libs/decision's UserErasure, through
 * `InteractionLog.eraseUser`) deletes the user's log entries and their embedding rows at once, then counts the
 * erasure here; it stores no id. Every GNN worker sees the count rise, drops the erased users (those with a live
 * tombstone) from its in-memory graph, and the trainer publishes a new version without them at its next check, which
 * replaces the rest of what the old version derived from their interactions (normalized matrix rows, histories).
 */
export class GnnErasures {
  constructor(private readonly redis: RedisClient) {}

  /**
   * Removes the users' embedding rows from every stored version (the active one included: the candidates reader then
   * treats them as unknown) and counts one erasure. Called after the user's tombstone and log entries are written
   * and deleted, so a worker that sees the count finds the tombstone. Returns the rows removed.
   */
  static async noteErased(redis: RedisClient, userIds: readonly string[]): Promise<number> {
    let removed = 0;
    if (userIds.length > 0) {
      const versions = await redis.zrange(RedisKeys.gnn.versions(), 0, -1);
      for (const v of versions) removed += await redis.hdel(RedisKeys.gnn.userEmbedding(v), ...userIds);
    }
    await redis.hincrby(RedisKeys.gnn.erasures(), 'requested', 1);
    return removed;
  }

  async marks(): Promise<ErasureMarks> {
    const [requested, applied] = await this.redis.hmget(RedisKeys.gnn.erasures(), 'requested', 'applied');
    return { requested: Number(requested ?? 0), applied: Number(applied ?? 0) };
  }

  /** Records that a version trained after dropping the erasures counted up to `requested` is now active. */
  async markApplied(requested: number): Promise<void> {
    await this.redis.hset(RedisKeys.gnn.erasures(), 'applied', String(requested));
  }

  /**
   * Drops from the graph every user whose erasure tombstone is alive: one EXISTS per user in the graph (pipelined in
   * chunks), run only when the erasure count moved. Returns the users dropped.
   */
  async dropErased(graph: UserItemGraph): Promise<number> {
    const users = [...graph.userIds()];
    let dropped = 0;
    for (let s = 0; s < users.length; s += SCAN_CHUNK) {
      const chunk = users.slice(s, s + SCAN_CHUNK);
      const found = await Promise.all(chunk.map((u) => this.redis.exists(RedisKeys.user.erased(u))));
      chunk.forEach((u, i) => {
        if (found[i] !== 1) return;
        graph.remove(u);
        dropped++;
      });
    }
    return dropped;
  }
}
