/**
 * Stream processor end to end through the real broker and Redis:
 *   npm run bench -- stream [--events N] [--users N] [--items N] [--latency-seconds N] [--cpu-profile FILE]
 * 1. a catalog of --items items is produced and applied (content vectors exist before the clickstream);
 * 2. N clickstream events (power-law items, sessions of 3-43 events, --users users) are produced up front;
 * 3. a bare kafkajs consumer reads them doing nothing (the ceiling), then the processor (a consumer declared as the
 *    app declares it, an @EventPattern controller on the Kafka batch transport in a Nest app, with the app's
 *    writers, in process) applies them: sustained events/s from first to last batch;
 * 4. events are produced at a steady rate below capacity and timed from produce to state written (p99);
 * 5. MEMORY USAGE of sampled users' keys. Random topic and key prefixes; everything is deleted at the end.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Message } from 'kafkajs';
import { TOPICS, decodeEvent, type CatalogEvent, type ClickstreamEvent } from '@offerstream/contracts';
import { createLogger, parseCommandFlags, positiveNumberFlag } from '@offerstream/core';
import {
  CatalogWriter,
  ClickstreamWriter,
  EventCounterStore,
  loadFeatureStoreConfig,
  type FeatureStoreConfig,
} from '@offerstream/feature-store';
import {
  BatchConsumer,
  connectBatchTransport,
  EventProducer,
  KafkaBatchTransport,
  type BatchContext,
  type ConsumedEvent,
} from '@offerstream/kafka';
import { RedisKeys } from '@offerstream/redis';
import { generateClickstream, isolatedEnv, randomId, seededRandom, type IsolatedEnv } from '@offerstream/testing';

const USAGE = `usage: npm run bench -- stream [--events N] [--users N] [--items N] [--latency-seconds N] [--cpu-profile FILE]
  --events N            clickstream events produced up front (1000000)
  --users N, --items N  population (100000 users, 50000 items)
  --latency-seconds N   duration of the steady-rate latency phase (10)
  --cpu-profile FILE    a V8 CPU profile of the processor phase only (not generation, produce or the ceilings)`;

async function startCpuProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    return profile;
  };
}

const log = (msg: string): void => void process.stderr.write(`[stream-bench] ${msg}\n`);

const WORDS = [
  'running',
  'shoes',
  'wireless',
  'headphones',
  'phone',
  'case',
  'shampoo',
  'water',
  'heater',
  'novel',
  'cotton',
  'shirt',
  'leather',
  'bag',
  'coffee',
  'maker',
];
const ZH = ['手机', '洗发水', '耳机', '运动鞋', '咖啡机', '小说'];
const CATS = ['electronics', 'beauty', 'sport', 'home', 'books', 'fashion', 'kitchen', 'toys'];

function catalogEvent(i: number, rnd: () => number): CatalogEvent {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const cat = pick(CATS);
  const title = `${pick(WORDS)} ${pick(WORDS)} ${rnd() < 0.3 ? pick(ZH) : pick(WORDS)}`;
  return {
    eventId: `cat-${i}`,
    schemaVersion: '1.0',
    occurredAt: new Date(Date.UTC(2025, 11, 1)).toISOString(),
    producer: 'bench',
    type: 'item_upsert',
    payload: {
      itemId: `item-${i}`,
      title,
      description: `${title} for ${cat}`,
      categoryPath: [cat, `${cat}-${Math.floor(rnd() * 10)}`],
      brand: `brand-${Math.floor(rnd() * 200)}`,
      price: 5 + Math.floor(rnd() * 300),
      currency: 'EUR',
      cost: 2,
      stock: Math.floor(rnd() * 100),
      tags: [],
    },
  };
}

async function produceAll(ctx: IsolatedEnv, topic: string, messages: Message[], label: string): Promise<void> {
  const producer = ctx.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const chunk = 5_000;
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.send({ topic, acks: 1, messages: messages.slice(i, i + chunk) });
    if ((i / chunk) % 40 === 0) log(`${label}: produced ${Math.min(i + chunk, messages.length)}/${messages.length}`);
  }
  await producer.disconnect();
}

/**
 * kafkajs consuming the topic and doing nothing (`decode` false: the ceiling the ratio is taken against), or also
 * decoding every event with the contracts' validating decoder and nothing else (`decode` true: the most any
 * consumer of validated events could reach here, whatever it then does with them).
 */
async function rawConsume(ctx: IsolatedEnv, topic: string, total: number, decode = false): Promise<number> {
  const consumer = ctx.kafka.consumer({
    groupId: randomId('raw'),
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: TOPICS.clickstream.partitions,
      eachBatch: async ({ batch }) => {
        if (first === 0) first = performance.now();
        if (decode)
          for (const m of batch.messages)
            if (!decodeEvent(TOPICS.clickstream, m.value).ok) throw new Error('bench event failed validation');
        seen += batch.messages.length;
        last = performance.now();
        if (seen >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return (seen / (last - first)) * 1000;
}

interface Processor {
  applied: number;
  firstAt: number;
  lastAt: number;
  latencies: number[];
  recordLatency: boolean;
  stop(): Promise<void>;
}

type ClickstreamHandle = (events: ConsumedEvent<ClickstreamEvent>[], ctx: BatchContext) => Promise<void>;
const CLICKSTREAM_HANDLE = Symbol('CLICKSTREAM_HANDLE');

@Controller()
class BenchClickstreamConsumer {
  constructor(@Inject(CLICKSTREAM_HANDLE) private readonly handle: ClickstreamHandle) {}

  @EventPattern(TOPICS.clickstream.name)
  clickstream(@Payload() events: ConsumedEvent<ClickstreamEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    return this.handle(events, ctx);
  }
}

async function startProcessor(ctx: IsolatedEnv, cfg: FeatureStoreConfig, group: string): Promise<Processor> {
  const producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
  const writer = new ClickstreamWriter(ctx.redis, cfg);
  const counters = new EventCounterStore(ctx.redis, group, producer.topicName(TOPICS.clickstream));
  const p: Processor = {
    applied: 0,
    firstAt: 0,
    lastAt: 0,
    latencies: [],
    recordLatency: false,
    stop: async () => undefined,
  };
  const handle: ClickstreamHandle = async (events, bctx) => {
    if (p.firstAt === 0) p.firstAt = performance.now();
    const stats = await writer.applyBatch(
      bctx.partition,
      events.map((e) => ({ offset: e.offset, event: e.event, bytes: e.message.value?.length ?? 0 })),
    );
    await counters.apply(bctx.partition, events);
    p.applied += events.length;
    p.lastAt = performance.now();
    if (p.recordLatency) {
      const now = Date.now();
      for (const e of events) p.latencies.push(now - Number(e.timestamp));
    }
    if (stats.rejected.length > 0) log(`rejected ${stats.rejected.length} events`);
  };
  @Module({ controllers: [BenchClickstreamConsumer], providers: [{ provide: CLICKSTREAM_HANDLE, useValue: handle }] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { logger: ['warn', 'error'] });
  const transport = new KafkaBatchTransport({
    kafka: ctx.kafka,
    producer,
    groupId: group,
    partitionsConsumedConcurrently: TOPICS.clickstream.partitions,
    maxBytesPerPartition: 4 * 1024 * 1024,
    logger: createLogger('bench', 'warn'),
  });
  connectBatchTransport(app, transport);
  await app.init();
  await app.startAllMicroservices();
  p.stop = async () => {
    await app.close();
    await producer.disconnect();
  };
  return p;
}

async function applyCatalog(ctx: IsolatedEnv, cfg: FeatureStoreConfig, total: number): Promise<void> {
  const producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
  const writer = new CatalogWriter(ctx.redis, cfg);
  let done = 0;
  const consumer = new BatchConsumer({
    kafka: ctx.kafka,
    producer,
    groupId: randomId('cat'),
    topic: TOPICS.catalog,
    partitionsConsumedConcurrently: TOPICS.catalog.partitions,
    logger: createLogger('bench', 'warn'),
    handler: async (events, bctx) => {
      await writer.applyBatch(
        bctx.partition,
        events.map((e) => ({ offset: e.offset, event: e.event })),
      );
      done += events.length;
    },
  });
  await consumer.start();
  while (done < total) await new Promise((r) => setTimeout(r, 200));
  await consumer.stop();
  await producer.disconnect();
}

const percentile = (a: number[], q: number): number => {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

export default async function streamBench(argv: string[]): Promise<Record<string, unknown>> {
  const flags = parseCommandFlags(
    argv,
    {
      events: { type: 'string' },
      users: { type: 'string' },
      items: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'cpu-profile': { type: 'string' },
    },
    USAGE,
  );
  if (flags === null) return { usage: USAGE };
  const events = positiveNumberFlag(flags.events, 'events', 1_000_000);
  const users = positiveNumberFlag(flags.users, 'users', 100_000);
  const items = positiveNumberFlag(flags.items, 'items', 50_000);
  const latencySeconds = positiveNumberFlag(flags['latency-seconds'], 'latency-seconds', 10);
  const cfg = loadFeatureStoreConfig({});
  const ctx = await isolatedEnv();
  const clickTopic = ctx.topicPrefix + TOPICS.clickstream.name;
  try {
    const rnd = seededRandom(5);
    const catalog: Message[] = [];
    for (let i = 0; i < items; i++) catalog.push({ key: `item-${i}`, value: JSON.stringify(catalogEvent(i, rnd)) });
    await produceAll(ctx, ctx.topicPrefix + TOPICS.catalog.name, catalog, 'catalog');
    const catStart = performance.now();
    await applyCatalog(ctx, cfg, items);
    log(`catalog of ${items} items applied in ${((performance.now() - catStart) / 1000).toFixed(1)} s`);

    log(`generating ${events} events over ${users} users`);
    const messages: Message[] = [];
    let bytes = 0;
    for (const e of generateClickstream(events, { users, items, seed: 9 })) {
      const value = JSON.stringify(e);
      bytes += value.length;
      messages.push({ key: e.userId ?? null, value });
    }
    await produceAll(ctx, clickTopic, messages, 'clickstream');
    messages.length = 0;

    log('raw kafkajs consumer (no work)');
    const raw = await rawConsume(ctx, clickTopic, events);
    log(`raw: ${Math.round(raw)} events/s`);
    log('kafkajs consumer that only decodes and validates each event');
    const decodeOnly = await rawConsume(ctx, clickTopic, events, true);
    log(`decode only: ${Math.round(decodeOnly)} events/s`);

    log('processor on the backlog');
    const group = randomId('proc');
    const profile = flags['cpu-profile'];
    const profiler = profile ? await startCpuProfile() : undefined;
    const p = await startProcessor(ctx, cfg, group);
    let lastLog = 0;
    while (p.applied < events) {
      await new Promise((r) => setTimeout(r, 250));
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        log(`applied ${p.applied}/${events}`);
      }
    }
    const eps = (p.applied / (p.lastAt - p.firstAt)) * 1000;
    log(`processor: ${Math.round(eps)} events/s`);
    if (profile && profiler) {
      writeFileSync(profile, JSON.stringify(await profiler()));
      log(`CPU profile of the processor phase written to ${profile} (open in Chrome DevTools)`);
    }

    // Latency at a steady rate: half the measured capacity, well-formed new events for existing users.
    const rate = Math.round(Math.min(eps, 20_000) / 2);
    log(`latency phase: ${rate} events/s for ${latencySeconds} s`);
    p.recordLatency = true;
    const producer = ctx.kafka.producer();
    await producer.connect();
    const gen = generateClickstream(rate * latencySeconds, { users, items, seed: 10, startTime: Date.UTC(2026, 8, 1) });
    const tick = 100;
    const perTick = Math.max(1, Math.round((rate * tick) / 1000));
    const target = p.applied + rate * latencySeconds;
    for (let sent = 0; sent < rate * latencySeconds;) {
      const started = performance.now();
      const batch: Message[] = [];
      for (let i = 0; i < perTick; i++) {
        const n = gen.next();
        if (n.done) break;
        batch.push({ key: n.value.userId ?? null, value: JSON.stringify(n.value) });
      }
      if (batch.length === 0) break;
      await producer.send({ topic: clickTopic, acks: 1, messages: batch });
      sent += batch.length;
      const wait = tick - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await producer.disconnect();
    const deadline = Date.now() + 60_000;
    while (p.applied < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await p.stop();

    log('memory per user');
    const sample: string[] = [];
    for (let i = 0; sample.length < 500 && i < 5000; i++) {
      const u = `user-${Math.floor(rnd() * users)}`;
      if ((await ctx.redis.exists(RedisKeys.user.profile(u))) === 1) sample.push(u);
    }
    let memTotal = 0;
    for (const u of sample) {
      // Every key the store keeps for a user (the alias key exists only for merged anonymous ids).
      for (const key of [RedisKeys.user.profile(u), RedisKeys.alias(u)]) {
        const m = (await ctx.redis.call(
          'MEMORY',
          'USAGE',
          String(ctx.env['REDIS_KEY_PREFIX']) + key,
          'SAMPLES',
          '0',
        )) as number | null;
        memTotal += m ?? 0;
      }
    }
    const blob = await Promise.all(sample.slice(0, 200).map((u) => ctx.redis.strlen(RedisKeys.user.profile(u))));
    return {
      bench: 'stream',
      events,
      users,
      items,
      event_bytes_avg: Math.round(bytes / events),
      events_per_s: Math.round(eps),
      raw_consume_events_per_s: Math.round(raw),
      ratio: Number((eps / raw).toFixed(3)),
      decode_only_consume_events_per_s: Math.round(decodeOnly),
      decode_only_ratio: Number((decodeOnly / raw).toFixed(3)),
      p50_event_to_state_ms: percentile(p.latencies, 0.5),
      p99_event_to_state_ms: percentile(p.latencies, 0.99),
      latency_rate_events_per_s: rate,
      latency_samples: p.latencies.length,
      redis_bytes_per_user: Math.round(memTotal / Math.max(1, sample.length)),
      user_blob_bytes_avg: Math.round(blob.reduce((a, b) => a + b, 0) / Math.max(1, blob.length)),
      sampled_users: sample.length,
      vector_dims: cfg.vectorDims,
    };
  } finally {
    log('cleaning up topics and keys');
    await ctx.close();
  }
}
