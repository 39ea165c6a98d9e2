import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { TOPICS, dlqTopicName, type ClickstreamEvent } from '@offerstream/contracts';
import { createLogger, TransientError } from '@offerstream/core';
import { BatchConsumer, EventProducer, fingerprint, type BatchHandler } from '@offerstream/kafka';
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

type Spec = typeof TOPICS.clickstream;

const view = (i: number, itemId = `sku-${i}`) => ({
  key: 'one-user',
  value: JSON.stringify(testEvent('product_view', 'one-user', { itemId })),
});

/**
 * The shared batch consumer under the faults production sees most, against real Kafka and Redis: a poison event
 * whose handler throws an unclassified error, a dependency down long enough to crash-loop the consumer, Redis rolled
 * back behind the committed offsets, Redis ahead of the log, and a topic deleted and recreated under the state.
 * Every event here has the same key, so one partition holds them all.
 */
describe('the batch consumer under faults, against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let producer: EventProducer;
  const started: BatchConsumer<Spec['schema']>[] = [];

  beforeEach(async () => {
    ctx = await isolatedEnv();
    producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
    await producer.connect();
  });

  afterEach(async () => {
    for (const c of started.splice(0)) await c.stop().catch(() => undefined);
    await producer.disconnect();
    await ctx.close();
  });

  const topic = (): string => ctx.topicPrefix + TOPICS.clickstream.name;
  /** The state a handler keeps in Redis: which offsets it applied (idempotent per offset, as handlers must be). */
  const applied = async (): Promise<string[]> =>
    Object.keys(await ctx.redis.hgetall('applied')).sort((a, b) => Number(a) - Number(b));
  const recording = async (events: readonly { offset: string }[]): Promise<void> => {
    for (const e of events) await ctx.redis.hset('applied', e.offset, '1');
  };

  const start = async (
    handler: BatchHandler<ClickstreamEvent>,
    extra: { group?: string; maxRetries?: number; maxRestarts?: number } = {},
  ): Promise<{ consumer: BatchConsumer<Spec['schema']>; health: HealthRegistry; registry: Registry }> => {
    const health = new HealthRegistry();
    const registry = new Registry();
    const consumer = new BatchConsumer({
      kafka: ctx.kafka,
      producer,
      groupId: extra.group ?? `${String(ctx.env['CONSUMER_GROUP'])}-faults`,
      topic: TOPICS.clickstream,
      handler,
      retryInitialMs: 20,
      retryMaxMs: 50,
      maxRetries: extra.maxRetries ?? 8,
      maxRestarts: extra.maxRestarts ?? 5,
      marks: new RedisPartitionMarks(ctx.redis),
      health,
      registry,
      logger: createLogger('consumer-faults', 'error'),
    });
    started.push(consumer);
    await consumer.start();
    return { consumer, health, registry };
  };
  const metric = async (registry: Registry, name: string): Promise<number> =>
    ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((s, v) => s + v.value, 0);

  it('dead-letters a poison event that throws an unknown error after a few attempts, without crashing', async () => {
    await kcatProduce(KAFKA_BROKERS, topic(), [view(0), view(1, 'poison'), view(2)]);
    const { health, registry } = await start(async (events) => {
      for (const e of events) {
        // A handler bug only this event triggers: a plain TypeError, not an OfferStreamError.
        if (e.event.type === 'product_view' && e.event.payload.itemId === 'poison')
          throw new TypeError('Cannot read properties of undefined');
        await ctx.redis.hset('applied', e.offset, '1');
      }
    });
    const dead = await waitFor(async () => {
      const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic()));
      return r.length > 0 ? r : undefined;
    });
    expect(dead).toHaveLength(1);
    const headers = (dead[0]?.headers ?? []).join('|');
    expect(headers).toContain('UNHANDLED_ERROR');
    expect(headers).toContain('TypeError: Cannot read properties of undefined (failed 3 times)');
    await waitFor(async () => ((await applied()).length === 2 ? true : undefined));
    expect(await applied()).toEqual(['0', '2']);
    expect(await metric(registry, 'offerstream_consumer_crashes_total')).toBe(0);
    expect((await health.run()).ok).toBe(true);
  });

  it('reports a crash-looping consumer not ready and stops restarting it after the bound', async () => {
    await kcatProduce(KAFKA_BROKERS, topic(), [view(0)]);
    const { health, registry } = await start(
      async () => {
        throw new TransientError('REDIS_WRITE_FAILED', 'redis is down');
      },
      { maxRetries: 0, maxRestarts: 2 },
    );
    const looping = await waitFor(
      async () => {
        const r = await health.run();
        return r.ok ? undefined : r;
      },
      { timeoutMs: 60_000, what: 'readiness to go red' },
    );
    expect(Object.values(looping.checks).join(' ')).toMatch(/crash-looping|stopped after/);
    const stopped = await waitFor(
      async () => {
        const r = await health.run();
        return Object.values(r.checks).some((c) => c.includes('stopped after 3 crashes')) ? r : undefined;
      },
      { timeoutMs: 90_000, what: 'the consumer to stop restarting' },
    );
    expect(stopped.ok).toBe(false);
    const crashes = await metric(registry, 'offerstream_consumer_crashes_total');
    expect(crashes).toBe(3);
    // Bounded: no further crash (no more rebalances) once it stopped.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await metric(registry, 'offerstream_consumer_crashes_total')).toBe(crashes);
  });

  it('seeks back and replays when Redis was rolled back behind the committed offsets', async () => {
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      Array.from({ length: 10 }, (_, i) => view(i)),
    );
    const seen = new Map<string, KafkaMessage>();
    const first = await start(async (events) => {
      for (const e of events) seen.set(e.offset, e.message);
      await recording(events);
    });
    await waitFor(async () => ((await applied()).length === 10 ? true : undefined));
    await first.consumer.stop();

    // A restore from an older snapshot: the state and its mark as of offset 4; Kafka has committed up to 10.
    await ctx.redis.hdel('applied', '5', '6', '7', '8', '9');
    const group = `${String(ctx.env['CONSUMER_GROUP'])}-faults`;
    const partition = await partitionOf();
    await new RedisPartitionMarks(ctx.redis).write(group, topic(), partition, {
      offset: '4',
      fingerprint: fingerprint(seen.get('4')!),
    });
    const again = await start(recording);
    await waitFor(async () => ((await applied()).length === 10 ? true : undefined), {
      what: 'the rolled-back events to be applied again',
    });
    expect(await metric(again.registry, 'offerstream_consumer_reconcile_seeks_total')).toBeGreaterThanOrEqual(1);
    expect((await again.health.run()).ok).toBe(true);
  });

  it('refuses a partition whose state is ahead of the log, and says so in readiness and a metric', async () => {
    await kcatProduce(KAFKA_BROKERS, topic(), [view(0), view(1)]);
    const group = `${String(ctx.env['CONSUMER_GROUP'])}-faults`;
    await new RedisPartitionMarks(ctx.redis).write(group, topic(), await partitionOf(), {
      offset: '1000',
      fingerprint: 'from-another-log',
    });
    const { health, registry } = await start(recording);
    const red = await waitFor(async () => {
      const r = await health.run();
      return r.ok ? undefined : r;
    });
    expect(Object.values(red.checks).join(' ')).toContain('ahead_of_log');
    expect(await metric(registry, 'offerstream_consumer_refused_partitions')).toBe(1);
    expect(await applied()).toEqual([]);
  });

  it('detects a topic deleted and recreated under its state instead of skipping the new events', async () => {
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      Array.from({ length: 3 }, (_, i) => view(i)),
    );
    const first = await start(recording);
    await waitFor(async () => ((await applied()).length === 3 ? true : undefined));
    await first.consumer.stop();

    const admin = ctx.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic()] });
      await waitFor(async () => !(await admin.listTopics()).includes(topic()) || undefined);
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: topic(), numPartitions: TOPICS.clickstream.partitions, replicationFactor: 1 }],
      });
    } finally {
      await admin.disconnect();
    }
    // New events at the old offsets 0..5: by offsets alone, 0..2 would look applied and be skipped.
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      Array.from({ length: 6 }, (_, i) => view(100 + i)),
    );
    const { health } = await start(recording);
    const red = await waitFor(
      async () => {
        const r = await health.run();
        return r.ok ? undefined : r;
      },
      { timeoutMs: 60_000, what: 'the recreated topic to be refused' },
    );
    expect(Object.values(red.checks).join(' ')).toContain('topic_recreated');
  });

  /** The partition the shared key lands on (the test's events all have one key). */
  async function partitionOf(): Promise<number> {
    const records = await kcatConsumeAll(KAFKA_BROKERS, topic());
    return records[0]?.partition ?? 0;
  }
});
