import { sleep, type ChaosContext, type Fault } from '../chaos-context';

/** Stops the broker (SIGTERM, a controlled shutdown), then starts it again on the same data directory. */
export const restartBroker: Fault = {
  name: 'restart-broker',
  async inject(ctx: ChaosContext) {
    const started = Date.now();
    await ctx.stack.signal(ctx.stack.kafkaPid(), 'SIGTERM');
    const down = Date.now() - started;
    await ctx.stack.up();
    return { detail: `broker stopped in ${down} ms, back after ${Date.now() - started} ms` };
  },
};

/**
 * SIGSTOP the broker past the clients' timeouts (consumer session 30 s, request 30 s), then SIGCONT: connections
 * stay open but nothing answers, the hardest kind of broker outage for a client to tell.
 */
export function pauseBroker(ms = 35_000): Fault {
  return {
    name: 'sigstop-broker',
    async inject(ctx: ChaosContext) {
      const pid = ctx.stack.kafkaPid();
      await ctx.stack.signal(pid, 'SIGSTOP');
      try {
        await sleep(ms);
      } finally {
        await ctx.stack.signal(pid, 'SIGCONT');
      }
      return { detail: `stopped ${ms} ms` };
    },
  };
}
