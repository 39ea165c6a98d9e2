import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, decodeEvent, TOPICS, type Offer } from '@offerstream/contracts';
import {
  freePort,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  randomId,
  serviceHarness,
  ServiceProcess,
  waitFor,
} from '@offerstream/testing';
import { loggingChannels } from './offer-channels';
import { OffersConsumer } from './offers-consumer';

interface Logged {
  msg: string;
  fields: Record<string, unknown>;
}

/** Outcome events on this test's outcomes topic, decoded with the contract. */
async function outcomes(prefix: string): Promise<{ offerId: string; outcome: string }[]> {
  const records = await kcatConsumeAll(KAFKA_BROKERS, prefix + TOPICS.offerOutcomes.name);
  return records.map((r) => {
    const decoded = decodeEvent(TOPICS.offerOutcomes, Buffer.from(r.payload ?? ''));
    if (!decoded.ok) throw decoded.error;
    return decoded.event.payload;
  });
}

describe('the example offers consumer against real Kafka and a real decision service', () => {
  // Always explore: with no learned model yet the policy would otherwise keep every offer's cost and offer nothing.
  const h = serviceHarness('decision-service', {
    DEFAULT_CAMPAIGN: 'false',
    CAMPAIGN_POLL_MS: '200',
    EXPLORATION_MIN: '1',
    EXPLORATION_MAX: '1',
  });
  let consumer: OffersConsumer | undefined;
  const logged: Logged[] = [];
  const log = (msg: string, fields: Record<string, unknown>): void => {
    logged.push({ msg, fields });
  };

  const stopAfter: ServiceProcess[] = [];
  afterEach(async () => {
    for (const p of stopAfter.splice(0)) await p.stop('SIGKILL');
    await consumer?.stop();
    consumer = undefined;
    logged.length = 0;
  });

  const startConsumer = async (): Promise<ReturnType<typeof loggingChannels>> => {
    const channels = loggingChannels(log);
    consumer = new OffersConsumer({
      kafka: h.ctx.kafka,
      groupId: randomId('offers-consumer-'),
      topicPrefix: h.ctx.topicPrefix,
      channels: channels.channels,
      log,
    });
    await consumer.start(true);
    return channels;
  };

  it('sends a decided offer by e-mail and reports it delivered, which the campaign report counts', async () => {
    await h.start();
    // The shop's catalog prices the item: the decision service refuses prices the catalog does not know.
    const catalog = ServiceProcess.start('stream-processor', { ...h.ctx.env, PORT: String(await freePort()) });
    stopAfter.push(catalog);
    await kcatProduce(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.catalog.name, [
      {
        key: 'sku-1',
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: CONTRACT_VERSION,
          occurredAt: new Date().toISOString(),
          producer: 'shop',
          type: 'item_upsert',
          payload: {
            itemId: 'sku-1',
            title: 'Wool scarf',
            description: '',
            categoryPath: ['accessories'],
            price: 80,
            currency: 'EUR',
            stock: 50,
            tags: [],
          },
        }),
      },
    ]);
    // Before the campaign exists, so the probe itself gets no offer for the consumer to deliver.
    await waitFor(
      async () => {
        const res = await h.fetch('/decisions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            userId: 'probe',
            placement: 'home',
            requestId: 'probe',
            items: [{ itemId: 'sku-1', price: 80 }],
          }),
        });
        return res.status !== 422 || undefined;
      },
      { what: 'the catalog item to reach the feature store', timeoutMs: 90_000 },
    );

    const created = await h.fetch('/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'winter',
        name: 'Winter',
        budget: { spend: 10_000, count: 10_000 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
      }),
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 600));

    await startConsumer();

    let offer: Offer | undefined;
    for (let i = 0; i < 60 && !offer; i++) {
      const res = await h.fetch('/decisions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: `u-${i}`,
          placement: 'newsletter',
          channel: 'email',
          items: [{ itemId: 'sku-1', price: 80 }],
        }),
      });
      expect(res.status).toBe(200);
      offer = ((await res.json()) as { offer?: Offer }).offer;
    }
    if (!offer) throw new Error('no offer in 60 decisions with exploration at 1');
    expect(offer.channel).toBe('email');
    const offerId = offer.offerId;

    const sent = await waitFor(
      async () => logged.find((l) => l.msg === 'would send an e-mail' && l.fields['userId'] === offer.userId),
      {
        what: 'the e-mail channel to send the offer',
      },
    );
    expect(String(sent.fields['offer'])).toContain('20% off');
    await waitFor(
      async () => (await outcomes(h.ctx.topicPrefix)).some((o) => o.offerId === offerId && o.outcome === 'delivered'),
      {
        what: 'a delivered outcome on the outcomes topic',
      },
    );
    const report = await waitFor(
      async () => {
        const r = (await (await h.fetch('/campaigns/winter/report')).json()) as { outcomes: Record<string, number> };
        return (r.outcomes['delivered'] ?? 0) >= 1 ? r : undefined;
      },
      { what: 'the decision service to count the delivery' },
    );
    expect(report.outcomes['delivered']).toBe(1);
    // Stopped before the harness deletes this test's topics under it.
    await consumer?.stop();
    consumer = undefined;
  });

  it('reports an offer that arrives expired, skips invalid messages and sends a duplicate once', async () => {
    const channels = await startConsumer();
    const base: Offer = {
      offerId: `o-${randomUUID()}`,
      userId: 'u-late',
      offerType: 'free_shipping',
      items: [],
      value: 0,
      currency: 'EUR',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
      campaignId: 'spring',
      trigger: 'cart_abandon',
      triggerId: 'cart_abandon:u-late:1',
      reasonCodes: ['test'],
      modelVersions: {},
      score: 0.1,
      upliftEstimate: 0,
      expectedIncrementalProfit: 1,
      probability: 0.5,
    };
    const fresh: Offer = {
      ...base,
      offerId: `o-${randomUUID()}`,
      userId: 'u-site',
      trigger: 'http_decision',
      channel: 'site',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const envelope = (o: Offer): string =>
      JSON.stringify({
        eventId: randomUUID(),
        schemaVersion: CONTRACT_VERSION,
        occurredAt: new Date().toISOString(),
        producer: 'test',
        userId: o.userId,
        type: 'offer',
        payload: o,
      });
    const topic = h.ctx.topicPrefix + TOPICS.offers.name;
    await kcatProduce(KAFKA_BROKERS, topic, [
      { key: 'u-bad', value: '{"not":"an offer"}' },
      { key: base.userId, value: envelope(base) },
      { key: fresh.userId, value: envelope(fresh) },
      { key: fresh.userId, value: envelope(fresh) },
    ]);

    await waitFor(
      async () => {
        const all = await outcomes(h.ctx.topicPrefix);
        return all.some((o) => o.offerId === base.offerId && o.outcome === 'expire') &&
          all.some((o) => o.offerId === fresh.offerId && o.outcome === 'delivered')
          ? all
          : undefined;
      },
      { what: 'expire and delivered outcomes' },
    );
    // Let the duplicate be read, then check it was not sent again.
    await new Promise((r) => setTimeout(r, 1_000));
    const all = await outcomes(h.ctx.topicPrefix);
    expect(all.filter((o) => o.offerId === fresh.offerId)).toEqual([
      { offerId: fresh.offerId, campaignId: 'spring', outcome: 'delivered' },
    ]);
    expect(channels.onSite.get('u-site')?.offerId).toBe(fresh.offerId);
    expect(logged.filter((l) => l.msg === 'would send an e-mail')).toEqual([]);
    expect(logged.find((l) => l.msg === 'skipped an invalid offer')?.fields['reason']).toMatch(/schema violation/);
    await consumer?.stop();
    consumer = undefined;
  });

  it("passes the offer's W3C trace context on to its outcome", async () => {
    await startConsumer();
    const offer: Offer = {
      offerId: `o-${randomUUID()}`,
      userId: 'u-traced',
      offerType: 'free_shipping',
      items: [],
      value: 0,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      campaignId: 'spring',
      trigger: 'http_decision',
      triggerId: 'http_decision:u-traced:1',
      channel: 'site',
      reasonCodes: ['test'],
      modelVersions: {},
      score: 0.1,
      upliftEstimate: 0,
      expectedIncrementalProfit: 1,
      probability: 0.5,
    };
    const traceparent = `00-${randomUUID().replace(/-/g, '')}-00f067aa0ba902b7-01`;
    const producer = h.ctx.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: h.ctx.topicPrefix + TOPICS.offers.name,
      messages: [
        {
          key: offer.userId,
          headers: { traceparent },
          value: JSON.stringify({
            eventId: randomUUID(),
            schemaVersion: CONTRACT_VERSION,
            occurredAt: new Date().toISOString(),
            producer: 'test',
            userId: offer.userId,
            type: 'offer',
            payload: offer,
          }),
        },
      ],
    });
    await producer.disconnect();
    const record = await waitFor(
      async () =>
        (await kcatConsumeAll(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.offerOutcomes.name)).find((r) =>
          r.payload?.includes(offer.offerId),
        ),
      { what: 'the outcome of the traced offer' },
    );
    // kcat lists headers as [name, value, name, value, ...].
    const headers = record.headers ?? [];
    expect(headers[headers.indexOf('traceparent') + 1]).toBe(traceparent);
    expect(headers).toContain('traceparent');
    await consumer?.stop();
    consumer = undefined;
  });
});
