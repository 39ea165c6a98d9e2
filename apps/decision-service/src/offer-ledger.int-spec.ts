import { randomUUID } from 'node:crypto';
import { TOPICS, dlqTopicName, type DecisionRecord, type Offer } from '@offerstream/contracts';
import {
  authFetch,
  freePort,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  serviceHarness,
  ServiceProcess,
  testEvent,
  waitFor,
} from '@offerstream/testing';
import {
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  type DecisionBody,
} from './decision-service.test-fixture';

const outcome = (userId: string, payload: Record<string, unknown>) => ({
  key: userId,
  value: JSON.stringify(testEvent('offer_outcome', userId, payload)),
});

interface Report {
  budget: { offersMade: number; openOffers: number; redeemedOffers: number };
}

/** The offer ledger seen from outside the service: outcomes it must refuse, and offers it must not lose. */
describe('the offer ledger of a running decision-service, against real Kafka and Redis', () => {
  const h = serviceHarness('decision-service', {
    ...GREEDY_SERVICE_ENV,
    OUTBOX_GRACE_MS: '1000',
    BUDGET_SWEEP_MS: '300',
    // A produce to a deleted topic fails within a second instead of after kafkajs' own ~50 s of retries.
    KAFKA_RETRIES: '2',
    KAFKA_RETRY_INITIAL_MS: '100',
  });

  const decide = async (userId: string, channel: string): Promise<DecisionBody> => {
    const res = await h.fetch('/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, placement: 'home', channel, items: [{ itemId: 'sku-1', price: 100 }] }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as DecisionBody;
  };
  const campaign = async (id: string, channel: string): Promise<void> => {
    const res = await h.fetch('/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        name: id,
        budget: { spend: 1_000, count: 100 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [10] },
        eligibility: { channels: [channel] },
      }),
    });
    expect(res.status).toBe(201);
    // A few campaign polls, so the instance decides with it.
    await new Promise((r) => setTimeout(r, 600));
  };

  it('dead-letters outcomes of unknown offers and of another campaign, and counts only the true one', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    await h.start();
    await campaign('real', 'ledger');
    await campaign('other', 'elsewhere');
    const d = await decide('ledger-user', 'ledger');
    expect(d.kind).toBe('offer');
    const offerId = d.offer!.offerId;

    const topic = h.ctx.topicPrefix + TOPICS.offerOutcomes.name;
    await kcatProduce(KAFKA_BROKERS, topic, [
      outcome('ledger-user', { offerId: randomUUID(), outcome: 'redeem', revenue: 50 }),
      outcome('ledger-user', { offerId, campaignId: 'other', outcome: 'redeem', revenue: 50 }),
      outcome('ledger-user', { offerId, campaignId: 'real', outcome: 'redeem', revenue: 80, discountCost: 10 }),
    ]);
    const dead = await waitFor(
      async () => {
        const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic));
        return r.length >= 2 ? r : undefined;
      },
      { what: 'two dead-lettered outcomes' },
    );
    const codes = dead.map((r) => (r.headers ?? []).join(' '));
    expect(codes.some((c) => c.includes('UNKNOWN_OFFER'))).toBe(true);
    expect(codes.some((c) => c.includes('OFFER_CAMPAIGN_MISMATCH'))).toBe(true);
    expect(codes.every((c) => c.includes('x-dlq-reason'))).toBe(true);

    // The true redeem settled the real campaign's reservation; the other campaign saw nothing.
    const report = async (id: string): Promise<Report> =>
      (await (await h.fetch(`/campaigns/${id}/report`)).json()) as Report;
    const real = await waitFor(async () => {
      const r = await report('real');
      return r.budget.redeemedOffers === 1 ? r : undefined;
    });
    expect(real.budget).toMatchObject({ offersMade: 1, openOffers: 0 });
    expect((await report('other')).budget).toMatchObject({ offersMade: 0, redeemedOffers: 0 });
  });

  it('applies a pause and a budget cut made on one instance to the very next offer of another', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    // Instance b polls campaigns every 10 minutes: all it knows is what it loaded at boot.
    await h.start();
    await campaign('live', 'live');
    const portB = await freePort();
    const b = await ServiceProcess.startReady(
      'decision-service',
      { ...h.ctx.env, PORT: String(portB), CAMPAIGN_POLL_MS: '600000' },
      portB,
      90_000,
    );
    try {
      const decideOnB = async (userId: string): Promise<DecisionBody> => {
        const res = await authFetch(`http://127.0.0.1:${portB}/decisions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            userId,
            placement: 'home',
            channel: 'live',
            items: [{ itemId: 'sku-1', price: 100 }],
          }),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as DecisionBody;
      };
      expect((await decideOnB('live-1')).kind).toBe('offer');
      const paused = await h.fetch('/campaigns/live/pause', { method: 'PUT' });
      expect(paused.status).toBe(200);
      expect(await decideOnB('live-2')).toMatchObject({ kind: 'no_offer', reason: 'budget_paused' });
      await h.fetch('/campaigns/live/resume', { method: 'PUT' });
      expect((await decideOnB('live-3')).kind).toBe('offer');
      const cut = await h.fetch('/campaigns/live', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ budget: { spend: 1 } }),
      });
      expect(cut.status).toBe(200);
      expect(await decideOnB('live-4')).toMatchObject({ kind: 'no_offer', reason: 'budget_spend_exhausted' });
    } finally {
      await b.stop('SIGKILL');
    }
  });

  it('publishes an HTTP offer whose process was killed before Kafka acknowledged it, from the outbox', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    const first = await h.start();
    await campaign('outbox', 'outbox');
    const offers = h.ctx.topicPrefix + TOPICS.offers.name;
    const admin = h.ctx.kafka.admin();
    await admin.connect();
    try {
      // The offers topic is gone, so the fire-and-forget publish of the HTTP decision cannot succeed.
      await admin.deleteTopics({ topics: [offers] });
      await waitFor(async () => !(await admin.listTopics()).includes(offers) || undefined, { what: 'topic deleted' });
      const d = await decide('outbox-user', 'outbox');
      expect(d.kind).toBe('offer');
      await first.stop('SIGKILL');

      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: offers, numPartitions: TOPICS.offers.partitions, replicationFactor: 1 }],
      });
      await h.start();
      const mine = async (): Promise<Offer[]> =>
        (await kcatConsumeAll(KAFKA_BROKERS, offers))
          .map((r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload)
          .filter((o) => o.userId === 'outbox-user');
      const found = await waitFor(async () => ((await mine()).length > 0 ? mine() : undefined), {
        timeoutMs: 30_000,
        what: 'the offer published by the outbox sweep',
      });
      expect(found.map((o) => o.offerId)).toEqual([d.offer!.offerId]);
      const records = (await kcatConsumeAll(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.decisions.name)).map(
        (r) => (JSON.parse(r.payload ?? '{}') as { payload: DecisionRecord }).payload,
      );
      expect(records.filter((r) => r.offerId === d.offer!.offerId)).toHaveLength(1);
      const metrics = await (await h.fetch('/metrics')).text();
      expect(metrics).toMatch(/^offerstream_outbox_published_total(\{[^}]*\})? 1$/m);
      // Swept once: later sweeps find the outbox empty.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await mine()).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});
