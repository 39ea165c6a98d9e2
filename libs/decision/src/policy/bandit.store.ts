import { join } from 'node:path';
import { PeriodicTask, TransientError, type Logger } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { LinearThompsonBandit, type LinearThompsonOptions, type SerializedLinearThompson } from '@offerstream/uplift';

export const BANDIT_POLICY = 'offer-ts-v1';

/**
 * The bandit's posterior shared by all instances: Redis keeps only the sums (sum x x^T, sum r x, pulls) per
 * arm, updated with commutative increments; each instance rebuilds its local LinearThompsonBandit from them
 * when the version counter moves. Decisions therefore never wait on Redis for the bandit.
 */
export class BanditStore {
  private local: LinearThompsonBandit;
  private seen = -1;
  private poll: PeriodicTask | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: LinearThompsonOptions,
    private readonly policy = BANDIT_POLICY,
    private readonly logger?: Logger,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
    this.local = new LinearThompsonBandit(options);
  }

  get bandit(): LinearThompsonBandit {
    return this.local;
  }

  get version(): string {
    return `${this.policy}#${Math.max(0, this.seen)}`;
  }

  async update(context: readonly number[], action: string, reward: number): Promise<void> {
    if (context.length !== this.options.dimension) return;
    try {
      await runLua<number>(
        this.redis,
        'banditUpdate',
        [RedisKeys.decision.bandit(this.policy), RedisKeys.decision.banditVersion(this.policy)],
        [action, reward, 1, ...context],
      );
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', 'bandit update failed', e);
    }
  }

  async refresh(force = false): Promise<void> {
    const version = Number((await this.redis.get(RedisKeys.decision.banditVersion(this.policy))) ?? 0);
    if (!force && version === this.seen) return;
    const raw = await this.redis.hgetall(RedisKeys.decision.bandit(this.policy));
    this.local = LinearThompsonBandit.fromJSON(this.deserialize(raw));
    this.seen = version;
  }

  async start(pollMs: number): Promise<void> {
    await this.refresh(true);
    this.poll = new PeriodicTask('bandit reload', pollMs, () => this.refresh(), this.logger);
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll?.stop();
    this.poll = undefined;
  }

  private deserialize(raw: Record<string, string>): SerializedLinearThompson {
    const d = this.options.dimension + 1;
    const arms: Record<string, { a: number[]; b: number[]; pulls: number }> = {};
    const arm = (name: string): { a: number[]; b: number[]; pulls: number } => {
      let s = arms[name];
      if (!s) {
        s = { a: new Array<number>(d * d).fill(0), b: new Array<number>(d).fill(0), pulls: 0 };
        for (let j = 0; j < d; j++) s.a[j * d + j] = this.options.lambda;
        arms[name] = s;
      }
      return s;
    };
    for (const [field, value] of Object.entries(raw)) {
      const m = /^(.+):(a|b|pulls)(?::(\d+))?$/.exec(field);
      if (!m?.[1]) continue;
      const s = arm(m[1]);
      const v = Number(value);
      if (m[2] === 'pulls') s.pulls = v;
      else if (m[2] === 'a') s.a[Number(m[3])] = (s.a[Number(m[3])] ?? 0) + v;
      else s.b[Number(m[3])] = v;
    }
    // Each instance keeps its own random stream; only the posterior is shared.
    return { kind: 'linear-thompson', version: 1, options: this.options, rngState: this.local.toJSON().rngState, arms };
  }
}
