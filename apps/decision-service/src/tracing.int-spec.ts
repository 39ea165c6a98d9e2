import { randomUUID } from 'node:crypto';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { TOPICS, type Offer } from '@offerstream/contracts';
import { BatchConsumer, EventProducer, type ConsumedEvent } from '@offerstream/kafka';
import { startTracing, type Tracing } from '@offerstream/platform';
import {
  freePort,
  isolatedEnv,
  OtlpReceiver,
  ServiceProcess,
  spanAttribute,
  testEvent,
  waitFor,
  waitHttpOk,
  type IsolatedEnv,
  type ReceivedSpan,
} from '@offerstream/testing';
import {
  createCampaign,
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
} from './decision-service.test-fixture';

/**
 * One trace from a shop's event to the offer its consumer reads, across two Kafka hops and a real decision service:
 * this process plays the shop (its producer injects the root span's traceparent) and the offers' consumer (the shared
 * batch consumer, spans in an in-memory exporter); the service exports its spans over OTLP/HTTP, configured only by
 * OTEL_* variables, to a receiver standing in for the collector; its Redis commands are spans of the decision.
 */
describe('traces across the Kafka hops, against a real decision service, Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let service: ServiceProcess;
  let port: number;
  let tracing: Tracing;
  let producer: EventProducer;
  let offersConsumer: BatchConsumer<typeof TOPICS.offers.schema>;
  const collector = new OtlpReceiver();
  const memory = new InMemorySpanExporter();
  const consumed: ConsumedEvent<{ payload: Offer }>[] = [];

  beforeAll(async () => {
    await collector.start();
    ctx = await isolatedEnv({
      ...GREEDY_SERVICE_ENV,
      JOBS_ENABLED: 'false',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    port = await freePort();
    service = ServiceProcess.start('decision-service', { ...ctx.env, PORT: String(port) });
    await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, 120_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${service.tail()}`);
    });
    await createCampaign(port, {
      id: 'traced',
      name: 'traced',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      eligibility: { channels: ['email'] },
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, serviceRecoveryCoupon: 5 },
      caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
    });
    tracing = startTracing({ serviceName: 'shop', exporter: memory }) as Tracing;
    producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
    await producer.connect();
    offersConsumer = new BatchConsumer({
      kafka: ctx.kafka,
      producer,
      groupId: `${ctx.topicPrefix}offers-reader`,
      topic: TOPICS.offers,
      handler: async (events) => {
        consumed.push(...events);
        return Promise.resolve();
      },
    });
    await offersConsumer.start();
  }, 240_000);

  afterAll(async () => {
    await offersConsumer?.stop();
    await producer?.disconnect();
    await tracing?.shutdown();
    await service?.stop('SIGKILL');
    await ctx?.close();
    await collector.stop();
  });

  const exported = (name: string, parent: string): Promise<ReceivedSpan> =>
    waitFor(async () => Promise.resolve(collector.spans.find((s) => s.name === name && s.parentSpanId === parent)), {
      timeoutMs: 30_000,
      what: `the service to export a "${name}" span under ${parent}`,
    });
  /** The Redis commands the service ran inside a span (ioredis instrumentation): CLIENT spans, kind 3 in OTLP. */
  const redisSpansUnder = (parent: ReceivedSpan): Promise<ReceivedSpan[]> =>
    waitFor(
      async () => {
        const spans = collector.spans.filter(
          (s) => s.parentSpanId === parent.spanId && spanAttribute(s, 'db.system.name') === 'redis',
        );
        return Promise.resolve(spans.length > 0 ? spans : undefined);
      },
      { timeoutMs: 30_000, what: `the service to export Redis spans under "${parent.name}"` },
    );
  const expectRedisSpansOf = async (parent: ReceivedSpan, userId: string): Promise<void> => {
    const spans = await redisSpansUnder(parent);
    for (const s of spans) {
      expect(s).toMatchObject({ service: 'decision-service', traceId: parent.traceId, kind: 3 });
      // The statement names the command, never a key or a value (keys carry user pseudonyms).
      const statement = spanAttribute(s, 'db.query.text') ?? '';
      expect(statement.startsWith(s.name)).toBe(true);
      expect(statement).not.toMatch(/os:|\{/);
      expect(statement).not.toContain(userId);
    }
    // The decision reads the profile and campaigns and reserves the budget in one Lua script.
    expect(spans.some((s) => /^eval(sha)?$/.test(s.name))).toBe(true);
  };
  const offerFor = (userId: string): Promise<ConsumedEvent<{ payload: Offer }>> =>
    waitFor(async () => Promise.resolve(consumed.find((e) => e.event.payload.userId === userId)), {
      timeoutMs: 30_000,
      what: `an offer to ${userId}`,
    });
  const consumerSpanOf = (offer: ConsumedEvent<unknown>): ReadableSpan => {
    const spanId = trace.getSpanContext(offer.trace ?? context.active())?.spanId;
    const span = memory.getFinishedSpans().find((s) => s.spanContext().spanId === spanId);
    if (!span) throw new Error('the offer consumer recorded no span for the offer');
    return span;
  };

  it('follows a clickstream event through its decision to the offer and its outcome, in one trace', async () => {
    const userId = `traced-${randomUUID()}`;
    const root = tracing.tracer.startSpan('shop: review submitted', { kind: SpanKind.PRODUCER });
    const rootId = root.spanContext();
    await producer.send(TOPICS.clickstream, [
      {
        key: userId,
        trace: trace.setSpan(context.active(), root),
        event: testEvent('review', userId, { itemId: 'sku-r', rating: 1, text: 'broke after a day' }),
      },
    ]);
    root.end();

    const offer = await offerFor(userId);
    expect(offer.event.payload.trigger).toBe('service_recovery');
    const consumedHop = await exported(`process ${ctx.topicPrefix}${TOPICS.clickstream.name}`, rootId.spanId);
    expect(consumedHop).toMatchObject({ service: 'decision-service', traceId: rootId.traceId, kind: 5 });
    const decision = await exported('decide', consumedHop.spanId);
    expect(decision.traceId).toBe(rootId.traceId);
    await expectRedisSpansOf(decision, userId);

    await waitFor(async () => Promise.resolve(memory.getFinishedSpans().length > 1 || undefined));
    const offerHop = consumerSpanOf(offer);
    expect(offerHop.name).toBe(`process ${ctx.topicPrefix}${TOPICS.offers.name}`);
    expect(offerHop.spanContext().traceId).toBe(rootId.traceId);
    expect(offerHop.parentSpanContext?.spanId).toBe(decision.spanId);

    // The shop's channel reports the outcome in the offer's trace; the service's outcome consumer continues it.
    await producer.send(TOPICS.offerOutcomes, [
      {
        key: userId,
        trace: offer.trace,
        event: testEvent('offer_outcome', userId, { offerId: offer.event.payload.offerId, outcome: 'delivered' }),
      },
    ]);
    const outcomeHop = await exported(
      `process ${ctx.topicPrefix}${TOPICS.offerOutcomes.name}`,
      offerHop.spanContext().spanId,
    );
    expect(outcomeHop.traceId).toBe(rootId.traceId);
  });

  it("continues a caller's traceparent through POST /decisions to the offer", async () => {
    const userId = `http-${randomUUID()}`;
    const traceId = randomUUID().replace(/-/g, '');
    const callerSpan = 'a1b2c3d4e5f60718';
    const res = await fetch(`http://127.0.0.1:${port}/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ userId, channel: 'email', placement: 'home', items: [{ itemId: 'sku-1', price: 100 }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { kind: string }).kind).toBe('offer');

    const server = await exported('POST /decisions', callerSpan);
    expect(server).toMatchObject({ traceId, kind: 2 });
    const decision = await exported('decide', server.spanId);
    await expectRedisSpansOf(decision, userId);
    const offer = await offerFor(userId);
    await waitFor(async () =>
      Promise.resolve(memory.getFinishedSpans().some((s) => s.spanContext().traceId === traceId) || undefined),
    );
    const offerHop = consumerSpanOf(offer);
    expect(offerHop.spanContext().traceId).toBe(traceId);
    expect(offerHop.parentSpanContext?.spanId).toBe(decision.spanId);
  });
});
