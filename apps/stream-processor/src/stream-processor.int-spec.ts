import { TOPICS, dlqTopicName, type ClickstreamEvent } from '@offerstream/contracts';
import { EventCounterStore } from '@offerstream/feature-store';
import {
  generateClickstream,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  serviceHarness,
  type ServiceProcess,
  waitFor,
} from '@offerstream/testing';

const PARTITIONS = TOPICS.clickstream.partitions;

function countByType(events: ClickstreamEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

describe('stream-processor against real Kafka and Redis', () => {
  const h = serviceHarness('stream-processor');
  let service: ServiceProcess | undefined;

  const topic = (): string => h.ctx.topicPrefix + TOPICS.clickstream.name;
  const store = (): EventCounterStore =>
    new EventCounterStore(h.ctx.redis, String(h.ctx.env['CONSUMER_GROUP']), topic());
  const start = (): Promise<ServiceProcess> => h.start();

  it('counts events produced by kcat, an independent client, in Redis', async () => {
    const events = [...generateClickstream(200, { users: 20, items: 50, seed: 1 })];
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      events.map((e) => ({ key: e.userId ?? 'anon', value: JSON.stringify(e) })),
    );
    service = await start();
    const expected = countByType(events);
    const totals = await waitFor(
      async () => {
        const t = await store().totals(PARTITIONS);
        return Object.values(t).reduce((a, b) => a + b, 0) === events.length ? t : undefined;
      },
      { what: 'all events counted' },
    );
    expect(totals).toEqual(expected);
  });

  it('sends a malformed event to the dead-letter topic with its reason and still processes the next good one', async () => {
    service = await start();
    const [good] = [...generateClickstream(1, { users: 1, items: 1, seed: 2 })];
    const malformed = '{"type":"purchase","payload":{"orderId":"o-1"}';
    await kcatProduce(KAFKA_BROKERS, topic(), [
      { key: 'user-x', value: malformed },
      { key: 'user-x', value: JSON.stringify(good) },
    ]);
    await waitFor(async () => ((await store().totals(PARTITIONS))[good!.type] === 1 ? true : undefined), {
      what: 'good event counted',
    });
    const dead = await waitFor(async () => {
      const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic()));
      return r.length > 0 ? r : undefined;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.payload).toBe(malformed);
    expect(dead[0]!.key).toBe('user-x');
    const headers = dead[0]!.headers ?? [];
    const reasonAt = headers.indexOf('x-dlq-reason');
    expect(reasonAt).toBeGreaterThanOrEqual(0);
    expect(headers[reasonAt + 1]).toMatch(/not JSON/);
    expect(headers[headers.indexOf('x-dlq-error-code') + 1]).toBe('VALIDATION_FAILED');
  });

  it('loses nothing and double-counts nothing when stopped with SIGTERM and SIGKILL mid-stream', async () => {
    const events = [...generateClickstream(45_000, { users: 500, items: 2000, seed: 3 })];
    const producer = h.ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produce = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 2500) {
        await producer.send({
          topic: topic(),
          messages: events
            .slice(i, Math.min(i + 2500, to))
            .map((e) => ({ key: e.userId ?? null, value: JSON.stringify(e) })),
        });
      }
    };
    const sum = async (): Promise<number> => Object.values(await store().totals(PARTITIONS)).reduce((a, b) => a + b, 0);

    // Each wave is stopped as soon as it has made progress, so the stop lands while batches are in flight.
    const waves = [
      { to: 15_000, signal: 'SIGTERM' as const },
      { to: 30_000, signal: 'SIGKILL' as const },
    ];
    let produced = 0;
    for (const wave of waves) {
      await produce(produced, wave.to);
      produced = wave.to;
      const before = await sum();
      service = await start();
      await waitFor(async () => ((await sum()) > before ? true : undefined), { intervalMs: 10, what: 'progress' });
      const code = await service.stop(wave.signal);
      if (wave.signal === 'SIGTERM') expect(code).toBe(0);
      service = undefined;
    }
    await produce(produced, events.length);
    await producer.disconnect();
    service = await start();
    const totals = await waitFor(
      async () => {
        const t = await store().totals(PARTITIONS);
        return Object.values(t).reduce((a, b) => a + b, 0) >= events.length ? t : undefined;
      },
      { timeoutMs: 90_000, what: 'all events counted after restarts' },
    );
    expect(totals).toEqual(countByType(events));
  });

  it('refuses to start and names the variable when configuration is invalid', async () => {
    service = h.spawn({ KAFKA_BROKERS: 'not a broker' });
    const code = await service.waitExit();
    expect(code).toBe(1);
    expect(service.tail()).toMatch(/KAFKA_BROKERS/);
  });
});
