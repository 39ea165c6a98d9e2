import { Controller, Inject, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Registry } from 'prom-client';
import { TOPICS, dlqTopicName, type ClickstreamEvent } from '@offerstream/contracts';
import { createLogger, OfferStreamError, TransientError } from '@offerstream/core';
import {
  connectBatchTransport,
  DLQ_HEADERS,
  EventProducer,
  KafkaBatchTransport,
  type BatchContext,
  type ConsumedEvent,
} from '@offerstream/kafka';
import { RedisPartitionMarks } from '@offerstream/redis';
import {
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  testEvent,
  waitFor,
  type IsolatedEnv,
} from '@offerstream/testing';
import { HealthRegistry } from './health.registry';

type Handle = (events: ConsumedEvent<ClickstreamEvent>[], ctx: BatchContext) => Promise<void>;
const HANDLE = Symbol('HANDLE');

/** A consumer as the services declare them: a controller whose @EventPattern method receives a batch. */
@Controller()
class ClickstreamProbe {
  constructor(@Inject(HANDLE) private readonly handle: Handle) {}

  @EventPattern(TOPICS.clickstream.name)
  async clickstream(@Payload() events: ConsumedEvent<ClickstreamEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.handle(events, ctx);
  }
}

const view = (user: string, i: number, itemId = `sku-${i}`) => ({
  key: user,
  value: JSON.stringify(testEvent('product_view', user, { itemId })),
});
const itemOf = (e: ConsumedEvent<ClickstreamEvent>): string =>
  e.event.type === 'product_view' ? e.event.payload.itemId : e.event.type;

/**
 * The Kafka batch transport inside a Nest application, against the real broker and Redis: what the services rely
 * on when they declare a consumer with @EventPattern instead of building a BatchConsumer.
 */
describe('consumers declared with @EventPattern on the Kafka batch transport', () => {
  let ctx: IsolatedEnv;
  let producer: EventProducer;
  let app: INestApplication | undefined;
  let group: string;

  beforeEach(async () => {
    ctx = await isolatedEnv();
    producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
    await producer.connect();
    group = `${String(ctx.env['CONSUMER_GROUP'])}-transport`;
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await producer.disconnect();
    await ctx.close();
  });

  const topic = (): string => ctx.topicPrefix + TOPICS.clickstream.name;
  const start = async (handle: Handle): Promise<INestApplication> => {
    @Module({ controllers: [ClickstreamProbe], providers: [{ provide: HANDLE, useValue: handle }] })
    class ProbeModule {}
    const transport = new KafkaBatchTransport({
      kafka: ctx.kafka,
      producer,
      groupId: group,
      partitionsConsumedConcurrently: 4,
      retryInitialMs: 20,
      retryMaxMs: 50,
      marks: new RedisPartitionMarks(ctx.redis),
      health: new HealthRegistry(),
      registry: new Registry(),
      logger: createLogger('batch-transport', 'error'),
    });
    app = await NestFactory.create(ProbeModule, { logger: false });
    connectBatchTransport(app, transport);
    await app.init();
    await app.startAllMicroservices();
    return app;
  };
  const committed = async (): Promise<Map<number, string>> => {
    const admin = ctx.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic()] });
    await admin.disconnect();
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
  };

  it('hands each partition’s events to the handler in batches, in offset order', async () => {
    const users = ['ada', 'bob', 'cyd', 'dan', 'eve', 'fay'];
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      users.flatMap((u) => Array.from({ length: 20 }, (_, i) => view(u, i))),
    );
    const seen = new Map<number, { offset: bigint; user: string; item: string }[]>();
    const foreign: string[] = [];
    let batches = 0;
    await start(async (events, batch) => {
      batches++;
      for (const e of events) {
        if (e.partition !== batch.partition) foreign.push(e.offset);
        const list = seen.get(e.partition) ?? [];
        list.push({ offset: BigInt(e.offset), user: e.event.userId ?? '', item: itemOf(e) });
        seen.set(e.partition, list);
      }
    });
    await waitFor(async () => ([...seen.values()].flat().length >= 120 ? true : undefined));
    expect(foreign).toEqual([]);
    for (const list of seen.values()) {
      expect(list.map((x) => x.offset)).toEqual([...list.map((x) => x.offset)].sort((a, b) => (a < b ? -1 : 1)));
      // Each user's events come in the order they were produced (one key, one partition).
      for (const u of new Set(list.map((x) => x.user)))
        expect(list.filter((x) => x.user === u).map((x) => x.item)).toEqual(
          Array.from({ length: 20 }, (_, i) => `sku-${i}`),
        );
    }
    expect(batches).toBeLessThan(120);
  });

  it('keeps a handler’s error as thrown: a fatal one dead-letters its event and commits, a transient one is retried', async () => {
    await kcatProduce(KAFKA_BROKERS, topic(), [view('ada', 0), view('ada', 1, 'poison'), view('ada', 2)]);
    const applied: string[] = [];
    let outages = 1;
    await start(async (events) => {
      if (outages-- > 0) throw new TransientError('REDIS_WRITE_FAILED', 'redis is failing over');
      for (const e of events) {
        if (itemOf(e) === 'poison') throw new OfferStreamError('UNKNOWN_ITEM', 'no such item: poison');
        applied.push(itemOf(e));
      }
    });
    const dead = await waitFor(async () => {
      const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic()));
      return r.length > 0 ? r : undefined;
    });
    expect(dead).toHaveLength(1);
    const headers = (dead[0]?.headers ?? []).join('|');
    expect(headers).toContain(`${DLQ_HEADERS.code}|UNKNOWN_ITEM`);
    expect(headers).toContain('no such item: poison');
    const source = Number(headers.split(`${DLQ_HEADERS.sourcePartition}|`)[1]?.split('|')[0]);
    await waitFor(async () => ((await committed()).get(source) === '3' ? true : undefined), { what: 'the commit' });
    expect(new Set(applied)).toEqual(new Set(['sku-0', 'sku-2']));
  });

  it('lets the batch in flight finish and commit when the application closes', async () => {
    await kcatProduce(KAFKA_BROKERS, topic(), [view('ada', 0), view('ada', 1)]);
    let entered!: () => void;
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    let partition = -1;
    const running = await start(async (events, batch) => {
      partition = batch.partition;
      entered();
      await new Promise((r) => setTimeout(r, 1_500));
      finished = events.length === 2;
    });
    await inFlight;
    await running.close();
    app = undefined;
    expect(finished).toBe(true);
    expect((await committed()).get(partition)).toBe('2');
  });
});
