/**
 * Decision service, end to end on the real stack: one service process (swc, as in production) on real Kafka
 * and Redis, items seeded in the feature store's Redis layout so every decision reads 100 candidates
 * through the FeatureStoreReader.
 *   npm run bench -- decision [--rate 100] [--seconds 30] [--warmup-seconds 5] [--kafka-rate 500] [--candidates 100]
 *                             [--concurrency 16] [--env KEY=VALUE] [--http-only] [--cpu-profile FILE]
 * Every timed phase is preceded by --warmup-seconds of the same traffic whose samples are discarded: the figures
 * are steady state (JIT-compiled paths, connections and partition metadata in place), not the first second after
 * a boot. A p99 needs enough samples to mean anything: 30 s at 100/s leaves 30 requests above it.
 * Figures:
 *   http_p99_ms            POST /decisions, send-to-response, open loop at --rate requests/s
 *   raw_http_p99_ms        GET /health/live on the same process at the same rate (the HTTP ceiling)
 *   event_to_offer_p99_ms  offer_request produced -> offer consumed, at --kafka-rate events/s
 *   raw_kafka_p99_ms       produce -> consume round trip of a bare message at the same rate (the Kafka ceiling)
 *   decisions_per_s        closed loop over HTTP with --concurrency requests in flight
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { TOPICS, type Offer } from '@offerstream/contracts';
import { parseCommandFlags, positiveNumberFlag, ValidationError } from '@offerstream/core';
import { RedisKeys } from '@offerstream/redis';
import { freePort, isolatedEnv, ServiceProcess, waitFor, waitHttpOk, type IsolatedEnv } from '@offerstream/testing';
import {
  closeHttp,
  diffGc,
  http,
  openLoop,
  percentile,
  round,
  serviceCpuSeconds,
  serviceGc,
  summary,
} from './service-probes';

const USAGE = `usage: npm run bench -- decision [--rate 100] [--seconds 30] [--warmup-seconds 5] [--kafka-rate 500]
                                 [--candidates 100] [--concurrency 16] [--env KEY=VALUE ...] [--http-only]
                                 [--cpu-profile FILE]
  --env KEY=VALUE     a setting for the service under test (repeatable)
  --http-only         skip the Kafka phases
  --cpu-profile FILE  a V8 CPU profile of the service during the closed loop only (open in Chrome DevTools)`;

const log = (msg: string): void => {
  process.stderr.write(`[decision bench] ${msg}\n`);
};

const NODE_OPTIONS = '--max-semi-space-size=32';
const ITEMS = 2000;
const CATEGORIES = ['shoes', 'bags', 'audio', 'phones', 'books', 'beauty', 'kitchen', 'garden'];

async function seedFeatureStore(ctx: IsolatedEnv): Promise<void> {
  const p = ctx.redis.pipeline();
  for (let i = 0; i < ITEMS; i++) {
    const id = `item-${i}`;
    const cat = CATEGORIES[i % CATEGORIES.length] as string;
    p.hset(RedisKeys.item.meta(id), {
      title: `Item ${i}`,
      cat: `catalog\u001f${cat}`,
      price: String(10 + (i % 190)),
      cur: 'EUR',
      stock: String(i % 50 === 0 ? 0 : 25),
      margin: String(0.2 + (i % 5) * 0.1),
      at: String(Date.now()),
    });
    const nbrs: (string | number)[] = [];
    for (let k = 1; k <= 20; k++) nbrs.push(1 / k, `item-${(i * 7 + k * 13) % ITEMS}`);
    p.zadd(RedisKeys.item.neighbours(id), ...nbrs);
    p.zadd(RedisKeys.popularity(), 1e6 / (i + 1), id);
    if (i < 200) p.zadd(RedisKeys.trending(), 1e6 / (i + 1), id);
  }
  await p.exec();
}

function decisionBody(candidates: number): Record<string, unknown> {
  const seed = Math.floor(Math.random() * ITEMS);
  return {
    userId: `bench-${randomUUID()}`,
    placement: 'product-page',
    items: [{ itemId: `item-${seed}`, price: 10 + (seed % 190) }],
    candidates: Array.from({ length: candidates }, () => `item-${Math.floor(Math.random() * ITEMS)}`),
  };
}

async function kafkaRoundTrip(
  ctx: IsolatedEnv,
  rate: number,
  seconds: number,
  produceTopic: string,
  consumeTopic: string,
  makeEvent: (id: string) => { key: string; value: string },
  idOf: (value: string) => string | undefined,
  warmupSeconds: number,
): Promise<{ latencies: number[]; produced: number }> {
  const producer: Producer = ctx.kafka.producer({ allowAutoTopicCreation: false });
  const consumer: Consumer = ctx.kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 5, minBytes: 1 });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: consumeTopic, fromBeginning: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.value ? idOf(message.value.toString('utf8')) : undefined;
      const t = id === undefined ? undefined : sentAt.get(id);
      if (t !== undefined) latencies.push(performance.now() - t);
    },
  });
  await waitFor(async () => joined || undefined, { what: 'bench consumer to join' });
  const send = async (): Promise<void> => {
    const id = randomUUID();
    sentAt.set(id, performance.now());
    await producer.send({ topic: produceTopic, messages: [makeEvent(id)] });
  };
  await openLoop(rate, warmupSeconds, send);
  // Round trips still in flight from the warm-up find no send time and are not counted.
  await new Promise((r) => setTimeout(r, 500));
  sentAt.clear();
  latencies.length = 0;
  await openLoop(rate, seconds, send);
  await waitFor(async () => latencies.length >= sentAt.size * 0.98 || undefined, {
    timeoutMs: 15_000,
    what: 'round trips',
  }).catch(() => undefined);
  await consumer.disconnect();
  await producer.disconnect();
  return { latencies, produced: sentAt.size };
}

export default async function decisionBench(argv: string[]): Promise<Record<string, unknown>> {
  const num = { type: 'string' } as const;
  const flags = parseCommandFlags(
    argv,
    {
      rate: num,
      seconds: num,
      'warmup-seconds': num,
      'kafka-rate': num,
      candidates: num,
      concurrency: num,
      env: { type: 'string', multiple: true },
      'http-only': { type: 'boolean', default: false },
      'cpu-profile': { type: 'string' },
    },
    USAGE,
  );
  if (flags === null) return { usage: USAGE };
  const rate = positiveNumberFlag(flags.rate, 'rate', 100);
  const seconds = positiveNumberFlag(flags.seconds, 'seconds', 30);
  const warmup = positiveNumberFlag(flags['warmup-seconds'], 'warmup-seconds', 5);
  const kafkaRate = positiveNumberFlag(flags['kafka-rate'], 'kafka-rate', 500);
  const candidates = positiveNumberFlag(flags.candidates, 'candidates', 100);
  const concurrency = positiveNumberFlag(flags.concurrency, 'concurrency', 16);
  const serviceEnv: Record<string, string> = {};
  for (const kv of flags.env ?? []) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(kv);
    if (m?.[1] === undefined || m[2] === undefined) throw new ValidationError(`--env wants KEY=VALUE, got ${kv}`);
    serviceEnv[m[1]] = m[2];
  }
  const profile = flags['cpu-profile'] === undefined ? undefined : resolve(flags['cpu-profile']);
  const profiling = profile
    ? {
        NODE_OPTIONS: `${serviceEnv.NODE_OPTIONS ?? NODE_OPTIONS} --require ${join(__dirname, 'cpu-profile.hook.cjs')}`,
        BENCH_CPU_PROFILE: profile,
      }
    : {};
  if (profile) rmSync(profile, { force: true });
  const ctx = await isolatedEnv({ DEFAULT_CAMPAIGN: 'false', LOG_LEVEL: 'warn' });
  const port = await freePort();
  let service: ServiceProcess | undefined;
  try {
    log('seeding the feature store layout (2000 items with meta, neighbours, popularity, trending)');
    await seedFeatureStore(ctx);
    // Whatever happens to this process, the service under test must not outlive it.
    process.once('exit', () => service?.kill('SIGKILL'));
    service = ServiceProcess.start('decision-service', {
      ...ctx.env,
      PORT: String(port),
      FEATURE_SOURCE: 'feature-store',
      CANDIDATES: String(candidates),
      NODE_OPTIONS,
      ...serviceEnv,
      ...profiling,
    });
    await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, 90_000);
    const created = await http(port, 'POST', '/campaigns', {
      id: 'bench',
      name: 'bench',
      budget: { spend: 1e9, count: 1e9 },
      holdoutShare: 0.1,
      caps: { perUser: 1000, windowHours: 1, cooldownMinutes: 0 },
    });
    if (created.status !== 201) throw new Error(`campaign creation failed: ${created.text}`);

    log(`warm-up: POST /decisions at ${rate}/s for ${warmup}s (not counted)`);
    await openLoop(rate, warmup, async () => void (await http(port, 'POST', '/decisions', decisionBody(candidates))));

    log(`raw HTTP ceiling: GET /health/live at ${rate}/s for ${seconds}s`);
    const raw: number[] = [];
    await openLoop(rate, seconds, async () => {
      const t = performance.now();
      await http(port, 'GET', '/health/live');
      raw.push(performance.now() - t);
    });

    log(`POST /decisions with ${candidates} candidates at ${rate}/s for ${seconds}s`);
    const lat: number[] = [];
    const kinds: Record<string, number> = {};
    const gcBefore = await serviceGc(port);
    await openLoop(rate, seconds, async () => {
      const t = performance.now();
      const r = await http(port, 'POST', '/decisions', decisionBody(candidates));
      lat.push(performance.now() - t);
      const kind = r.status === 200 ? (JSON.parse(r.text) as { kind: string }).kind : `http_${r.status}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    });

    const gc = diffGc(gcBefore, await serviceGc(port));
    log(`closed loop: ${concurrency} requests in flight for 5s`);
    let done = 0;
    const cpuBefore = await serviceCpuSeconds(port);
    // The hook (cpu-profile.hook.cjs) starts on the first SIGUSR2 and writes the profile on the second.
    if (profile) service.kill('SIGUSR2');
    const until = performance.now() + 5000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await http(port, 'POST', '/decisions', decisionBody(candidates));
          done++;
        }
      }),
    );
    const decisionsPerS = done / ((performance.now() - t0) / 1000);
    const cpuMsPerDecision = (((await serviceCpuSeconds(port)) - cpuBefore) * 1000) / done;
    if (profile) {
      service.kill('SIGUSR2');
      await waitFor(async () => existsSync(profile) || undefined, { what: 'the CPU profile' });
      log(`CPU profile of the closed loop written to ${profile}`);
    }

    if (flags['http-only']) {
      return {
        http_p99_ms: round(percentile(lat, 99)),
        http_latency_ms: summary(lat),
        http_phase_service_gc: gc,
        raw_http_p99_ms: round(percentile(raw, 99)),
        decisions_per_s: Math.round(decisionsPerS),
        service_cpu_ms_per_decision: round(cpuMsPerDecision),
        load_average_1m: round(loadavg()[0] ?? NaN),
        serviceEnv,
      };
    }
    const prefix = ctx.topicPrefix;
    log(`raw Kafka ceiling: produce -> consume at ${kafkaRate}/s for ${seconds}s`);
    // A topic of its own: every contract topic, nlp-signals included, has a consumer in the service under test, which
    // would decode the bench's bare ids and dead-letter them while the ceiling is measured.
    const rawTopic = `${prefix}bench.raw-ceiling`;
    const admin = ctx.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: rawTopic, numPartitions: TOPICS.offerRequests.partitions }],
      waitForLeaders: true,
    });
    let rawKafka: Awaited<ReturnType<typeof kafkaRoundTrip>>;
    try {
      rawKafka = await kafkaRoundTrip(
        ctx,
        kafkaRate,
        seconds,
        rawTopic,
        rawTopic,
        (id) => ({ key: id, value: id }),
        (v) => v,
        warmup,
      );
    } finally {
      await admin.deleteTopics({ topics: [rawTopic] }).catch(() => undefined);
      await admin.disconnect();
    }

    log(`event to offer: offer_request at ${kafkaRate}/s for ${seconds}s`);
    const e2o = await kafkaRoundTrip(
      ctx,
      kafkaRate,
      seconds,
      prefix + TOPICS.offerRequests.name,
      prefix + TOPICS.offers.name,
      (id) => {
        const userId = `k-${id}`;
        const seed = Math.floor(Math.random() * ITEMS);
        return {
          key: userId,
          value: JSON.stringify({
            eventId: id,
            schemaVersion: '1.0',
            occurredAt: new Date().toISOString(),
            producer: 'bench',
            userId,
            type: 'offer_request',
            payload: { userId, placement: 'email', context: { itemId: `item-${seed}` }, maxItems: 3 },
          }),
        };
      },
      (v) => {
        const offer = (JSON.parse(v) as { payload: Offer }).payload;
        return offer.triggerId.startsWith('offer_request:')
          ? offer.triggerId.slice('offer_request:'.length)
          : undefined;
      },
      warmup,
    );

    const http99 = percentile(lat, 99);
    const raw99 = percentile(raw, 99);
    const e2o99 = percentile(e2o.latencies, 99);
    const rawK99 = percentile(rawKafka.latencies, 99);
    return {
      bench: 'decision',
      command: `npm run bench -- decision --rate ${rate} --seconds ${seconds} --warmup-seconds ${warmup} --kafka-rate ${kafkaRate} --candidates ${candidates} --concurrency ${concurrency}${Object.entries(
        serviceEnv,
      )
        .map(([k, v]) => ` --env ${k}=${v}`)
        .join('')}`,
      candidates_per_decision: candidates,
      http_rate_per_s: rate,
      http_p99_ms: round(http99),
      http_latency_ms: summary(lat),
      http_decision_kinds: kinds,
      http_phase_service_gc: gc,
      raw_http_p99_ms: round(raw99),
      raw_http_latency_ms: summary(raw),
      http_p99_ratio_to_raw: round(http99 / raw99),
      decisions_per_s: Math.round(decisionsPerS),
      decisions_per_s_concurrency: concurrency,
      service_cpu_ms_per_decision: round(cpuMsPerDecision),
      load_average_1m: round(loadavg()[0] ?? NaN),
      kafka_rate_per_s: kafkaRate,
      event_to_offer_p99_ms: round(e2o99),
      event_to_offer_latency_ms: summary(e2o.latencies),
      event_to_offer_offers: e2o.latencies.length,
      event_to_offer_requests: e2o.produced,
      raw_kafka_p99_ms: round(rawK99),
      raw_kafka_latency_ms: summary(rawKafka.latencies),
      event_to_offer_p99_ratio_to_raw: round(e2o99 / rawK99),
      bars: { http_p99_ms: 15, event_to_offer_p99_ms: 50 },
      meets_bars: http99 <= 15 && e2o99 <= 50,
    };
  } catch (e) {
    if (service) log(service.tail(40));
    throw e;
  } finally {
    await service?.stop('SIGTERM');
    closeHttp();
    await ctx.close();
  }
}
