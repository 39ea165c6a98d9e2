import { TOPICS, dlqTopicName, type CatalogEvent, type ClickstreamEvent } from '@offerstream/contracts';
import {
  EventCounterStore,
  FeatureStoreReader,
  ItemInfoCache,
  NeighbourRefresher,
  ReferenceFeatureModel,
  loadFeatureStoreConfig,
  userStateDifferences,
  type UserState,
} from '@offerstream/feature-store';
import { RedisKeys } from '@offerstream/redis';
import {
  generateClickstream,
  freePort,
  isolatedEnv,
  kcatConsumeAll,
  KAFKA_BROKERS,
  ServiceProcess,
  startRedisCluster,
  type RedisClusterHandle,
  waitFor,
  waitHttpOk,
  type IsolatedEnv,
} from '@offerstream/testing';

const ITEMS = 60;
// The services' timers would race the explicit neighbour refresh below; the lists are compared once all counts
// are final.
const FS_ENV = { JOBS_ENABLED: 'false', FS_MAX_EVENT_BYTES: '4096', FS_SEGMENT_INTERVAL_S: '3600' };
const cfg = loadFeatureStoreConfig(FS_ENV);
const CATS = ['shoes', 'hats', 'phones', 'books', 'coffee'];

function catalog(): CatalogEvent[] {
  return Array.from({ length: ITEMS }, (_, i) => ({
    eventId: `c${i}`,
    schemaVersion: '1.0',
    occurredAt: '2025-12-01T00:00:00Z',
    producer: 'test',
    type: 'item_upsert' as const,
    payload: {
      itemId: `item-${i}`,
      title: `${CATS[i % 5]} model ${i % 7} ${i % 2 ? '运动鞋' : 'classic'}`,
      description: `a ${CATS[i % 5]} item`,
      categoryPath: ['all', CATS[i % 5] ?? 'x'],
      brand: `brand-${i % 4}`,
      price: 5 + ((i * 37) % 300),
      currency: 'EUR',
      cost: 2,
      stock: 10,
      tags: [],
    },
  }));
}

const close = (a: number, b: number, tol: number): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

function expectSameUser(id: string, got: UserState | null, want: UserState): void {
  expect({ user: id, differences: userStateDifferences(got, want) }).toEqual({ user: id, differences: [] });
}

/**
 * The same suite on a standalone Redis and on a real three-node Redis Cluster: the Cluster run proves that every
 * key the writers touch together shares a hash tag, that the per-item and per-user scripts run in one slot, and
 * that effectively-once survives a SIGKILL and a second instance there too.
 */
describe.each([
  { redis: 'a standalone Redis', cluster: false },
  { redis: 'a three-node Redis Cluster', cluster: true },
])('feature store through the stream processor on $redis', ({ cluster }) => {
  let ctx: IsolatedEnv;
  const services: ServiceProcess[] = [];
  let redisCluster: RedisClusterHandle | undefined;

  beforeAll(async () => {
    if (cluster) redisCluster = await startRedisCluster(3);
  });

  afterAll(async () => {
    await redisCluster?.stop();
  });

  beforeEach(async () => {
    ctx = await isolatedEnv(redisCluster ? { ...FS_ENV, REDIS_CLUSTER_NODES: redisCluster.nodes } : FS_ENV);
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop('SIGKILL');
    await ctx.close();
  });

  const topic = (t: { name: string }): string => ctx.topicPrefix + t.name;
  const start = async (): Promise<ServiceProcess> => {
    const port = await freePort();
    const s = ServiceProcess.start('stream-processor', { ...ctx.env, PORT: String(port) });
    services.push(s);
    await waitHttpOk(`http://127.0.0.1:${port}/health/ready`).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${s.tail()}`);
    });
    (s as ServiceProcess & { port?: number }).port = port;
    return s;
  };
  const counted = async (): Promise<number> => {
    const store = new EventCounterStore(ctx.redis, String(ctx.env['CONSUMER_GROUP']), topic(TOPICS.clickstream));
    return Object.values(await store.totals(TOPICS.clickstream.partitions)).reduce((a, b) => a + b, 0);
  };

  /** Loads the catalog, then the clickstream; `during` runs while the clickstream is being processed. */
  async function run(events: ClickstreamEvent[], during: () => Promise<void>): Promise<void> {
    const producer = ctx.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topic(TOPICS.catalog),
      messages: catalog().map((e) => ({ key: e.payload.itemId, value: JSON.stringify(e) })),
    });
    await waitFor(async () => ((await ctx.redis.scard(RedisKeys.contentItems())) === ITEMS ? true : undefined), {
      what: 'catalog applied',
    });
    for (let i = 0; i < events.length; i += 2000) {
      await producer.send({
        topic: topic(TOPICS.clickstream),
        messages: events.slice(i, i + 2000).map((e) => ({ key: e.userId ?? null, value: JSON.stringify(e) })),
      });
    }
    await producer.disconnect();
    await during();
    await waitFor(async () => ((await counted()) >= events.length ? true : undefined), {
      timeoutMs: 90_000,
      what: 'all events applied',
    });
  }

  /** Replays the topic (partition, offset order) through the reference model and compares every user and item. */
  async function expectStateEqualsReference(): Promise<void> {
    const records = await kcatConsumeAll(KAFKA_BROKERS, topic(TOPICS.clickstream));
    const ids = [
      ...new Set(
        records.flatMap((r) => {
          const e = JSON.parse(r.payload ?? '{}') as ClickstreamEvent;
          return e.type === 'product_view' ||
            e.type === 'add_to_cart' ||
            e.type === 'review' ||
            e.type === 'remove_from_cart'
            ? [e.payload.itemId]
            : e.type === 'purchase'
              ? e.payload.lines.map((l) => l.itemId)
              : [];
        }),
      ),
    ];
    const info = await new ItemInfoCache(ctx.redis, 0, 0).load(ids);
    const ref = new ReferenceFeatureModel(cfg, (id) => info.get(id));
    records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    for (const r of records) ref.apply(r.partition, r.offset, JSON.parse(r.payload ?? '{}') as ClickstreamEvent);

    const reader = new FeatureStoreReader(ctx.redis, cfg);
    for (const [id, want] of ref.users) expectSameUser(id, await reader.getUserState(id), want);

    for (const [item, want] of ref.popularity) {
      const got = Number(await ctx.redis.zscore(RedisKeys.popularity(), item));
      expect({ item, ok: close(got, want, 1e-9) }).toEqual({ item, ok: true });
    }
    for (const [item, want] of ref.mass) {
      const got = Number(await ctx.redis.hget(RedisKeys.item.watermark(item), 'n'));
      expect({ item, ok: close(got, want, 1e-9) }).toEqual({ item, ok: true });
    }
    // Every item, not only dirty ones: a partner's mass can change without the item itself being touched.
    const refresher = new NeighbourRefresher(ctx.redis, cfg);
    for (const item of ref.cooc.keys()) await refresher.refresh(item);
    for (const item of ref.cooc.keys()) {
      const want = ref.neighbours(item);
      const got = await reader.getNeighbours(item, cfg.neighboursK);
      expect(got.length).toBe(want.length);
      want.forEach((w, i) =>
        expect({ item, i, ok: close(got[i]?.score ?? NaN, w.score, 1e-6) }).toEqual({ item, i, ok: true }),
      );
    }
  }

  it('ends with the state of an in-process reference replay of the same events', async () => {
    const events = [...generateClickstream(6000, { users: 150, items: ITEMS, seed: 21 })];
    await start();
    await run(events, async () => undefined);
    await expectStateEqualsReference();
  });

  it('ends with the same state when killed with SIGKILL mid-batch and restarted', async () => {
    const events = [...generateClickstream(12_000, { users: 200, items: ITEMS, seed: 22 })];
    const first = await start();
    await run(events, async () => {
      await waitFor(async () => ((await counted()) > 500 ? true : undefined), { intervalMs: 5, what: 'progress' });
      await first.stop('SIGKILL');
      expect(await counted()).toBeLessThan(events.length);
      await start();
    });
    await expectStateEqualsReference();
  });

  it('ends with the same state with two instances in one consumer group', async () => {
    const events = [...generateClickstream(8000, { users: 200, items: ITEMS, seed: 23 })];
    await Promise.all([start(), start()]);
    await run(events, async () => undefined);
    await expectStateEqualsReference();
  });

  it('dead-letters late, oversized, unknown-type and malformed events with a reason and serves the read API', async () => {
    const s = (await start()) as ServiceProcess & { port: number };
    const [good] = [...generateClickstream(1, { users: 1, items: 1, seed: 3, startTime: Date.UTC(2026, 5, 1) })];
    const late = { ...good!, eventId: 'late', occurredAt: new Date(Date.UTC(2026, 5, 1) - 3_600_000).toISOString() };
    const oversized = JSON.stringify({
      ...good!,
      eventId: 'big',
      type: 'review',
      payload: { itemId: 'item-0', rating: 4, text: 'long review '.repeat(400) },
    });
    const unknown = JSON.stringify({ ...good!, eventId: 'unk', type: 'teleport' });
    const producer = ctx.kafka.producer();
    await producer.connect();
    const key = good!.userId ?? 'u';
    await producer.send({
      topic: topic(TOPICS.clickstream),
      messages: [
        { key, value: JSON.stringify(good) },
        { key, value: JSON.stringify(late) },
        { key, value: oversized },
        { key, value: unknown },
        { key, value: '{not json' },
      ],
    });
    await producer.disconnect();
    const dead = await waitFor(async () => {
      const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic(TOPICS.clickstream)));
      return r.length >= 4 ? r : undefined;
    });
    const reasons = dead.map((d) => {
      const h = d.headers ?? [];
      return h[h.indexOf('x-dlq-reason') + 1] ?? '';
    });
    expect(reasons.some((r) => /older than the user's latest/.test(r))).toBe(true);
    expect(reasons.some((r) => /over FS_MAX_EVENT_BYTES/.test(r))).toBe(true);
    expect(reasons.some((r) => /schema violation/.test(r))).toBe(true);
    expect(reasons.some((r) => /not JSON/.test(r))).toBe(true);

    const base = `http://127.0.0.1:${s.port}`;
    const profile = (await (await fetch(`${base}/users/${key}/profile`)).json()) as {
      userId: string;
      recentItems: string[];
    };
    expect(profile.userId).toBe(key);
    const missing = await fetch(`${base}/users/nobody-here/profile`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/nobody-here/);
    expect((await fetch(`${base}/items/item-0/neighbours?k=zero`)).status).toBe(400);
    expect((await fetch(`${base}/items/never-seen/neighbours?k=5`)).status).toBe(404);
  });
});
