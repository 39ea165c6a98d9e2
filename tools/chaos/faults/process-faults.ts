import { CHAOS_CHANNEL, CHAOS_ITEMS } from '../workload';
import { sleep, type ChaosContext, type Fault } from '../chaos-context';
import type { ServiceName } from '../chaos-services';
import { consumerLag } from '../recovery';

/** SIGKILL a consumer while it has a backlog (so mid-batch), then start it again as Kubernetes would. */
export function killMidBatch(service: ServiceName, group: string, topic: string): Fault {
  return {
    name: `sigkill-${service}-mid-batch`,
    async inject(ctx: ChaosContext) {
      // Kill only once the consumer has something in hand: a backlog on its topic.
      const lag = await waitForBacklog(ctx, group, topic);
      await ctx.services.kill(service, 'SIGKILL');
      const healedAt = Date.now();
      await ctx.services.restart(service);
      return { healedAt, detail: `backlog ${lag} events at the kill` };
    },
  };
}

async function waitForBacklog(ctx: ChaosContext, group: string, topic: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  let lag = 0;
  while (Date.now() < deadline) {
    lag = await consumerLag(ctx.admin, group, topic);
    if (lag > 0) return lag;
    await sleep(20);
  }
  return lag;
}

/**
 * SIGKILL the decision-service while HTTP decisions are in flight: the answered offers must still be published
 * (the offer record is the outbox) and none may be given twice.
 */
export function killMidDecision(requests = 40): Fault {
  return {
    name: 'sigkill-decision-service-mid-decision',
    async inject(ctx: ChaosContext) {
      const base = ctx.services.url('decision-service', '/decisions');
      const stamp = Date.now();
      let answered = 0;
      const calls = Array.from({ length: requests }, async (_, i) => {
        await sleep(i * 5);
        try {
          const res = await fetch(base, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              userId: `http-user-${stamp}-${i}`,
              placement: 'home',
              channel: CHAOS_CHANNEL,
              items: [{ itemId: `item-${i % CHAOS_ITEMS}`, price: 40 }],
            }),
            signal: AbortSignal.timeout(10_000),
          });
          if (!res.ok) return;
          const body = (await res.json()) as {
            kind: string;
            offer?: { offerId: string; userId: string; triggerId: string };
          };
          answered++;
          if (body.kind === 'offer' && body.offer) ctx.answered.push(body.offer);
        } catch {
          // the process died with the request in flight: the client got no offer
        }
      });
      // Kill once a few decisions were answered and more are in flight.
      const deadline = Date.now() + 10_000;
      while (answered < Math.min(5, requests) && Date.now() < deadline) await sleep(5);
      await ctx.services.kill('decision-service', 'SIGKILL');
      const healedAt = Date.now();
      await Promise.all(calls);
      await ctx.services.restart('decision-service');
      return { healedAt, detail: `${answered} of ${requests} HTTP decisions answered before the kill` };
    },
  };
}
