import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';

/**
 * The one lock that lets a single instance train and publish at a time. It expires after ttlMs so a crashed holder
 * cannot block training forever, which is also why release compares the token: after an expiry another instance
 * may hold it.
 */
export class TrainingLock {
  private readonly token = randomUUID();

  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs: number,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  /** Runs fn while holding the lock; false (fn not run) when another instance holds it. */
  async runExclusive(fn: () => Promise<void>): Promise<boolean> {
    const locked = await this.redis.set(RedisKeys.gnn.trainLock(), this.token, 'PX', this.ttlMs, 'NX');
    if (locked === null) return false;
    try {
      await fn();
    } finally {
      await runLua(this.redis, 'releaseLock', [RedisKeys.gnn.trainLock()], [this.token]);
    }
    return true;
  }
}
