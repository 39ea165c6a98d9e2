import { TOPICS, type Offer } from '@offerstream/contracts';
import {
  freePort,
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  ServiceProcess,
  testEvent,
  waitFor,
  type IsolatedEnv,
} from '@offerstream/testing';
import { createCampaign, GREEDY_SERVICE_ENV } from './decision-service.test-fixture';

/**
 * A trigger is claimed in Redis before its offer reaches Kafka. If the produce fails, the consumer retries the
 * batch, and the retry meets its own claim: without recovery it would be dropped as a duplicate and the offer
 * (budget already reserved) would never reach anyone. Here the offers topic is deleted under a running service,
 * so the real produce fails, and recreated while the batch is being retried.
 */
describe('an offer whose first publish failed, against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let service: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    ctx = await isolatedEnv({
      ...GREEDY_SERVICE_ENV,
      // The produce to the deleted topic fails within a second instead of after kafkajs' own ~50 s of retries.
      KAFKA_RETRIES: '2',
      KAFKA_RETRY_INITIAL_MS: '100',
    });
    port = await freePort();
    service = await ServiceProcess.startReady('decision-service', { ...ctx.env, PORT: String(port) }, port, 90_000);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await ctx?.close();
  });

  it('is published once, with its original offer id, when the retried trigger meets its own claim', async () => {
    await createCampaign(port, {
      id: 'recover',
      name: 'recover',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [10], serviceRecoveryCoupon: 5 },
      eligibility: { channels: ['email'] },
    });

    const offers = ctx.topicPrefix + TOPICS.offers.name;
    const admin = ctx.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [offers] });
      await waitFor(async () => !(await admin.listTopics()).includes(offers) || undefined, {
        what: 'offers topic deleted',
      });

      // A negative review: a service-recovery trigger from the clickstream, decided without any feature store.
      const review = testEvent('review', 'recover-user', { itemId: 'sku-r', rating: 1, text: 'arrived broken' });
      await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.clickstream.name, [
        { key: 'recover-user', value: JSON.stringify(review) },
      ]);
      // The first attempt decided, claimed the trigger and failed to produce; the consumer is backing off.
      await waitFor(async () => service.output.some((l) => l.includes('KAFKA_PRODUCE_FAILED')) || undefined, {
        timeoutMs: 30_000,
        what: 'the offer produce to fail',
      }).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${service.tail(30)}`);
      });

      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: offers, numPartitions: TOPICS.offers.partitions, replicationFactor: 1 }],
      });
      const mine = async (): Promise<Offer[]> =>
        (await kcatConsumeAll(KAFKA_BROKERS, offers))
          .map((r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload)
          .filter((o) => o.userId === 'recover-user');
      const found = await waitFor(async () => ((await mine()).length > 0 ? mine() : undefined), {
        timeoutMs: 60_000,
        what: 'the recovered offer',
      });
      await new Promise((r) => setTimeout(r, 1500));
      const all = await mine();
      expect(all).toHaveLength(1);
      expect(all[0]?.offerId).toBe(found[0]?.offerId);
      expect(all[0]).toMatchObject({
        userId: 'recover-user',
        campaignId: 'recover',
        trigger: 'service_recovery',
        offerType: 'coupon',
      });

      // The campaign reserved budget for exactly that one offer.
      const report = (await (await fetch(`http://127.0.0.1:${port}/campaigns/recover/report`)).json()) as {
        budget: { offers: number };
      };
      expect(report.budget.offers).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });
});
