import { randomUUID } from 'node:crypto';
import { TOPICS, type DecisionRecord, type NlpSignalEvent, type Offer } from '@offerstream/contracts';
import { kcatConsumeAll, kcatProduce, KAFKA_BROKERS, serviceHarness, waitFor } from '@offerstream/testing';
import {
  createCampaign,
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
} from './decision-service.test-fixture';

const envelope = { schemaVersion: '1.3', occurredAt: new Date().toISOString() };
const review = (userId: string, itemId: string, rating: number) => ({
  ...envelope,
  eventId: randomUUID(),
  producer: 'shop',
  userId,
  type: 'review',
  payload: { itemId, rating, text: 'arrived broken, support never answered' },
});
const signal = (r: ReturnType<typeof review>, label: 'negative' | 'neutral' | 'positive'): NlpSignalEvent => ({
  ...envelope,
  eventId: `nlp-${r.eventId}`,
  producer: 'nlp-worker',
  userId: r.userId,
  type: 'nlp_signal',
  payload: {
    sourceEventId: r.eventId,
    sourceType: 'review',
    itemId: r.payload.itemId,
    language: 'en',
    sentiment: { positive: label === 'negative' ? 0.05 : 0.9, label },
    categories: [],
    flags: [],
    modelVersion: 'sentiment@test',
  },
});

/**
 * The decision service consuming `offerstream.nlp-signals.v1` from real Kafka: a review its rating would not have
 * flagged gets service recovery when the NLP worker judged its text negative, and a review flagged both ways is
 * decided once.
 */
describe('service recovery from NLP signals, against real Kafka and Redis', () => {
  const h = serviceHarness('decision-service', { ...GREEDY_SERVICE_ENV, JOBS_ENABLED: 'false' });

  const onTopic = async <T>(name: string): Promise<T[]> =>
    (await kcatConsumeAll(KAFKA_BROKERS, h.ctx.topicPrefix + name)).map(
      (r) => (JSON.parse(r.payload ?? '{}') as { payload: T }).payload,
    );
  const produce = (topic: string, events: { userId?: string }[]) =>
    kcatProduce(
      KAFKA_BROKERS,
      h.ctx.topicPrefix + topic,
      events.map((e) => ({ key: e.userId ?? '', value: JSON.stringify(e) })),
    );

  it('apologises for a 3-star review judged negative, once for a 1-star one flagged both ways, never for a kind one', async () => {
    await h.start();
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [
      { itemId: 'sku-a', price: 100 },
      { itemId: 'sku-b', price: 100 },
      { itemId: 'sku-c', price: 100 },
    ]);
    await createCampaign(h.fetch, {
      id: 'recovery',
      name: 'recovery',
      budget: { spend: 1000, count: 1000 },
      holdoutShare: 0,
      offerTypes: { serviceRecoveryCoupon: 5 },
      caps: { perUser: 100, windowHours: 24, cooldownMinutes: 0 },
      eligibility: { triggers: ['service_recovery'] },
    });

    const lukewarm = review('u-text', 'sku-a', 3);
    const angry = review('u-both', 'sku-b', 1);
    const kind = review('u-kind', 'sku-c', 3);
    await produce(TOPICS.clickstream.name, [lukewarm, angry, kind]);
    await produce(TOPICS.nlpSignals.name, [
      signal(lukewarm, 'negative'),
      signal(angry, 'negative'),
      signal(kind, 'positive'),
    ]);

    const offers = await waitFor(
      async () => {
        const all = (await onTopic<Offer>(TOPICS.offers.name)).filter((o) => o.trigger === 'service_recovery');
        return all.some((o) => o.userId === 'u-text') && all.some((o) => o.userId === 'u-both') ? all : undefined;
      },
      { what: 'service recovery offers for both negative reviews', timeoutMs: 60_000 },
    );
    expect(offers.find((o) => o.userId === 'u-text')?.triggerId).toBe(
      `service_recovery:u-text:sku-a:${lukewarm.eventId}`,
    );
    // Both paths reached the 1-star review; its trigger was claimed once, so there is one offer. The second path may
    // republish it (same offerId: the topic is at-least-once, consumers deduplicate on the id, docs/contracts.md).
    // The kind review triggered nothing.
    await new Promise((r) => setTimeout(r, 1500));
    const final = await onTopic<Offer>(TOPICS.offers.name);
    expect(new Set(final.filter((o) => o.userId === 'u-both').map((o) => o.offerId)).size).toBe(1);
    expect(final.filter((o) => o.userId === 'u-kind')).toEqual([]);
    const decided = (await onTopic<DecisionRecord>(TOPICS.decisions.name)).filter((d) => d.userId === 'u-kind');
    expect(decided).toEqual([]);
  });
});
