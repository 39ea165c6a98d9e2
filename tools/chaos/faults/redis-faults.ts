import { sleep, type ChaosContext, type Fault } from '../chaos-context';
import { REDIS_COMMAND_TIMEOUT_MS } from '../chaos-services';

/** SHUTDOWN (AOF flushed), then start again on the same directory: nothing may be lost. */
export const restartRedis: Fault = {
  name: 'restart-redis',
  async inject(ctx: ChaosContext) {
    const pid = ctx.stack.redisPid();
    await ctx.stack.redisCli('SHUTDOWN').catch(() => undefined);
    await ctx.stack.signal(pid, 'SIGTERM').catch(() => undefined);
    await ctx.stack.up();
    return { detail: 'SHUTDOWN with AOF, restarted on the same data' };
  },
};

/**
 * kill -9 of redis-server: with `appendfsync everysec` up to the last second of writes is lost. The partition marks
 * are lost with the state they vouch for, so consumers must seek back and re-apply; nothing may be applied twice.
 */
export const killRedis: Fault = {
  name: 'sigkill-redis',
  async inject(ctx: ChaosContext) {
    await ctx.stack.signal(ctx.stack.redisPid(), 'SIGKILL');
    await ctx.stack.up();
    return { detail: 'SIGKILL, restarted from the AOF' };
  },
};

/** CLIENT PAUSE ALL past the services' command timeout: every command hangs, then times out on the client side. */
export function pauseRedis(ms = REDIS_COMMAND_TIMEOUT_MS * 2 + 1_000): Fault {
  return {
    name: 'client-pause-redis',
    async inject(ctx: ChaosContext) {
      await ctx.stack.redisCli('CLIENT', 'PAUSE', String(ms), 'ALL');
      await sleep(ms);
      return { detail: `CLIENT PAUSE ${ms} ms ALL (client timeout ${REDIS_COMMAND_TIMEOUT_MS} ms)` };
    },
  };
}

/**
 * Redis at maxmemory (noeviction): every write of the services fails with OOM for a while. The filler lives
 * outside the services' key prefix and is deleted to heal; maxmemory goes back to what it was.
 */
export function fillRedis(holdMs = 5_000): Fault {
  return {
    name: 'redis-maxmemory',
    async inject(ctx: ChaosContext) {
      const before = (await ctx.stack.redisCli('CONFIG', 'GET', 'maxmemory')).split('\n')[1] ?? '0';
      const used = Number(/used_memory:(\d+)/.exec(await ctx.stack.redisCli('INFO', 'memory'))?.[1] ?? '0');
      await ctx.stack.redisCli('CONFIG', 'SET', 'maxmemory', String(used + 4 * 1024 * 1024));
      // 100 kB per key: one command-line argument may not exceed 128 kB.
      const filler = 'x'.repeat(100 * 1024);
      let keys = 0;
      let full = false;
      for (; keys < 400 && !full; keys++) {
        const reply = await ctx.stack.redisCli('SET', `chaos-filler:${keys}`, filler).catch((e: Error) => e.message);
        full = reply.includes('OOM');
      }
      try {
        await sleep(holdMs);
      } finally {
        const names = Array.from({ length: keys }, (_, i) => `chaos-filler:${i}`);
        await ctx.stack.redisCli('DEL', ...names);
        await ctx.stack.redisCli('CONFIG', 'SET', 'maxmemory', before);
      }
      return {
        detail: `${keys} filler keys of 100 kB to reach maxmemory (OOM ${full ? 'reached' : 'not reached'}), held ${holdMs} ms`,
      };
    },
  };
}
