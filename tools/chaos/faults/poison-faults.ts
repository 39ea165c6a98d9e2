import { randomUUID } from 'node:crypto';
import { TOPICS, type Offer } from '@offerstream/contracts';
import { kcatConsumeAll } from '@offerstream/testing';
import type { ChaosContext, Fault } from '../chaos-context';
import { CHAOS_CAMPAIGN } from '../workload';

export interface PoisonMessage {
  key: string;
  value: Buffer;
}

/** Sends messages beside the streamed set and remembers them: each must reach its topic's DLQ with a reason. */
export async function sendPoison(ctx: ChaosContext, topic: string, messages: PoisonMessage[]): Promise<void> {
  await ctx.producer.send({ topic, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
}

const envelope = (type: string, payload: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventId: randomUUID(),
  schemaVersion: '1.0',
  occurredAt: new Date().toISOString(),
  producer: 'chaos-poison',
  type,
  payload,
  ...extra,
});
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/**
 * Poison of every class a real message can carry: the decoder's four (EMPTY, OVERSIZE, NOT_JSON, SCHEMA) on each
 * topic read, the stream processor's own refusals (an event over FS_MAX_EVENT_BYTES, one far out of order), and
 * the decision-service's (outcome of an unknown offer, outcome naming another campaign).
 */
export const poisonEveryClass: Fault = {
  name: 'poison-every-class',
  async inject(ctx: ChaosContext) {
    const click = TOPICS.clickstream.name;
    const user = 'user-1';
    await sendPoison(ctx, click, [
      { key: user, value: Buffer.alloc(0) },
      { key: user, value: Buffer.from('x'.repeat(300 * 1024)) },
      { key: user, value: Buffer.from('{"type":"purchase","payload":{') },
      { key: user, value: json(envelope('teleport', { to: 'mars' }, { userId: user })) },
      { key: user, value: json(envelope('product_view', {}, { userId: user })) },
      // Valid events the stream processor refuses: bigger than FS_MAX_EVENT_BYTES (4096), and years out of order.
      {
        key: user,
        value: json(envelope('review', { itemId: 'item-1', rating: 4, text: 'long '.repeat(900) }, { userId: user })),
      },
      {
        key: user,
        value: json({
          ...envelope('product_view', { itemId: 'item-2' }, { userId: user }),
          occurredAt: '2020-01-01T00:00:00.000Z',
        }),
      },
    ]);
    const requests = TOPICS.offerRequests.name;
    await sendPoison(ctx, requests, [
      { key: 'req-user-1', value: Buffer.from('not json at all') },
      { key: 'req-user-1', value: json(envelope('offer_request', { placement: 'home' })) },
    ]);
    const offers = (await kcatConsumeAll(ctx.stack.brokers, TOPICS.offers.name)).map(
      (r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload,
    );
    const real = offers[0];
    const outcome = (userId: string, payload: Record<string, unknown>): PoisonMessage => ({
      key: userId,
      value: json(envelope('offer_outcome', payload, { userId })),
    });
    await sendPoison(ctx, TOPICS.offerOutcomes.name, [
      outcome('req-user-1', { offerId: randomUUID(), campaignId: CHAOS_CAMPAIGN, outcome: 'redeem', revenue: 10 }),
      ...(real
        ? [outcome(real.userId, { offerId: real.offerId, campaignId: 'not-chaos', outcome: 'redeem', revenue: 10 })]
        : []),
    ]);
    return { detail: `7 clickstream, 2 offer-request and ${real ? 2 : 1} outcome poison messages` };
  },
};
