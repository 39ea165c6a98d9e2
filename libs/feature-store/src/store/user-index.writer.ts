import { join } from 'node:path';
import { keyGroupsPerCall, loadLuaScripts, RedisKeys, runLua, type LuaArg, type RedisClient } from '@offerstream/redis';
import type { FeatureStoreConfig } from '../feature-store.config';
import { hyperplaneLsh, lshBuckets, lshLayout, type HyperplaneLsh } from '../rules/random-hyperplanes';

/** One user's vector before and after a batch, with the state times they were written at. */
export interface VectorChange {
  readonly userId: string;
  readonly before: Float32Array | null;
  readonly beforeAt: number;
  readonly after: Float32Array | null;
  readonly afterAt: number;
}

const DAY_MS = 86_400_000;
/** Bucket moves per script call on a standalone Redis. */
const MOVES_PER_CALL = 512;

interface Move {
  readonly key: string;
  readonly userId: string;
  readonly op: '+' | '-';
}

/**
 * Keeps the nearest-user index current: the stream processor's writer hands it every user whose state it wrote,
 * with the vector before and after. A user whose buckets changed leaves the old ones and joins the new ones; one
 * whose buckets did not is re-placed once per day of activity, so an active user never ages out of a bucket and an
 * entry left behind by a crash between the state write and this one heals at the user's next active day.
 */
export class UserIndexWriter {
  readonly lsh: HyperplaneLsh | null;
  private readonly layout: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {
    const u = cfg.userIndex;
    this.lsh = u.tables > 0 ? hyperplaneLsh(cfg.vectorDims, u.tables, u.bits, u.seed) : null;
    this.layout = this.lsh ? lshLayout(this.lsh) : '';
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  /** Applies the changes; returns the number of bucket writes (0 when the index is off or nothing moved). */
  async update(changes: readonly VectorChange[]): Promise<number> {
    const lsh = this.lsh;
    if (!lsh) return 0;
    const moves: Move[] = [];
    for (const c of changes) {
      const after = lshBuckets(lsh, c.after);
      const before = lshBuckets(lsh, c.before);
      const sameDay = Math.floor(c.beforeAt / DAY_MS) === Math.floor(c.afterAt / DAY_MS);
      for (let t = 0; t < lsh.tables; t++) {
        const was = before?.[t];
        const now = after?.[t];
        if (was !== undefined && was !== now) moves.push({ key: this.key(t, was), userId: c.userId, op: '-' });
        if (now !== undefined && (was !== now || !sameDay))
          moves.push({ key: this.key(t, now), userId: c.userId, op: '+' });
      }
    }
    await this.apply(moves);
    return moves.length;
  }

  /** Takes an erased user out of the buckets of the vector they had (read before the state is deleted). */
  async remove(userId: string, vector: Float32Array | null): Promise<void> {
    const lsh = this.lsh;
    const buckets = lsh ? lshBuckets(lsh, vector) : null;
    if (!buckets) return;
    await this.apply(buckets.map((b, t) => ({ key: this.key(t, b), userId, op: '-' as const })));
  }

  private key(table: number, bucket: number): string {
    return RedisKeys.userIndexBucket(this.layout, table, bucket);
  }

  private async apply(moves: readonly Move[]): Promise<void> {
    const chunk = keyGroupsPerCall(this.redis, MOVES_PER_CALL);
    // Wall-clock time, as the state's TTL: a replay of old events must not age its users out of the index at once.
    const head: LuaArg[] = [Date.now(), this.cfg.userTtlMs, this.cfg.userIndex.bucketMax];
    const calls: Promise<number>[] = [];
    for (let i = 0; i < moves.length; i += chunk) {
      const part = moves.slice(i, i + chunk);
      const args = [...head, ...part.flatMap((m) => [m.userId, m.op])];
      calls.push(
        runLua<number>(
          this.redis,
          'moveInBuckets',
          part.map((m) => m.key),
          args,
        ),
      );
    }
    await Promise.all(calls);
  }
}
