import { PeriodicTask, type Logger } from '@offerstream/core';
import { runLua, type RedisClient } from '@offerstream/redis';

/** What `hold` returns: the work's result, or that another instance holds the lock (the work did not run). */
export type Held<T> = { readonly held: true; readonly value: T } | { readonly held: false };

/**
 * The lock that lets one instance at a time refit a shared model. It expires, so a crashed refitter frees it, and it
 * is renewed while the refit runs, so a refit that takes longer than the expiry (a profit model on the whole log
 * takes minutes) is not repeated meanwhile by a second instance. The publish itself is guarded by the model's version
 * (publish-model-2.lua): a refit that lost its lock anyway never overwrites a newer model. The owner store loads the
 * scripts this uses (release-model-lock-1.lua, renew-model-lock-1.lua).
 */
export class RefitLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly what: string,
    private readonly logger?: Logger,
  ) {}

  /** Runs `work` holding the lock for `ttlMs` at a time, renewed every third of it, and releases it after. */
  async hold<T>(token: string, ttlMs: number, work: () => Promise<T>): Promise<Held<T>> {
    if ((await this.redis.set(this.key, token, 'PX', ttlMs, 'NX')) === null) return { held: false };
    const renewal = new PeriodicTask(
      `${this.what} lock renewal`,
      Math.max(1, Math.floor(ttlMs / 3)),
      async () => {
        if (!(await this.renew(token, ttlMs)))
          this.logger?.warn(`${this.what} lock lost while refitting; another instance may refit too`, { ttlMs });
      },
      this.logger,
    );
    renewal.start();
    try {
      return { held: true, value: await work() };
    } finally {
      await renewal.stop();
      await runLua<number>(this.redis, 'releaseModelLock', [this.key], [token]);
    }
  }

  /** Whether `token` still held the lock and now holds it for another `ttlMs`. */
  async renew(token: string, ttlMs: number): Promise<boolean> {
    return (await runLua<number>(this.redis, 'renewModelLock', [this.key], [token, ttlMs])) === 1;
  }
}
