import { randomUUID } from 'node:crypto';
import { TOPICS } from '@offerstream/contracts';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import { NlpSignalStore } from '@offerstream/nlp';
import { InteractionLog } from '@offerstream/recsys';
import { RedisKeys } from '@offerstream/redis';
import {
  authFetch,
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  keysHolding,
  startRedisCluster,
  testAuthEnv,
  testEvent,
  waitFor,
  type IsolatedEnv,
  type RedisClusterHandle,
  type ServiceProcess,
} from '@offerstream/testing';
import {
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  startPipeline,
} from './decision-service.test-fixture';

const VICTIM = 'victim-7f3a';
const DEVICE = 'device-of-7f3a';
const KEEPER = 'keeper-21bc';

/**
 * Erasure end to end: state built by the real services and writers, DELETE /users/:id, then Redis enumerated. On a
 * standalone Redis and on a real three-node Cluster, where every erasure script must find its keys in one slot and
 * the trigger-once claims must be found on whichever master holds the user's slot.
 */
describe.each([
  { redis: 'a standalone Redis', cluster: false },
  { redis: 'a three-node Redis Cluster', cluster: true },
])('user erasure against real Kafka and $redis', ({ cluster }) => {
  let ctx: IsolatedEnv;
  let redisCluster: RedisClusterHandle | undefined;
  let prefix = '';
  const procs: ServiceProcess[] = [];
  let port = 0;
  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  const clickstream = (): string => ctx.topicPrefix + TOPICS.clickstream.name;
  const reader = (): FeatureStoreReader => new FeatureStoreReader(ctx.redis, loadFeatureStoreConfig({}));
  const erase = (who: 'admin' | 'reader', body?: unknown): Promise<Response> =>
    authFetch(
      url(`/users/${VICTIM}`),
      {
        method: 'DELETE',
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      },
      who,
    );

  beforeAll(async () => {
    if (cluster) redisCluster = await startRedisCluster(3);
    ctx = await isolatedEnv({
      ...(redisCluster ? { REDIS_CLUSTER_NODES: redisCluster.nodes } : {}),
      ...testAuthEnv(),
      ...GREEDY_SERVICE_ENV,
      JOBS_ENABLED: 'false',
      CART_IDLE_MS: '600000',
    });
    prefix = String(ctx.env['REDIS_KEY_PREFIX']);
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    const pipeline = await startPipeline(ctx.env);
    procs.push(...pipeline.services);
    port = pipeline.port;
    const created = await authFetch(url('/campaigns'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'erasure',
        name: 'erasure',
        budget: { spend: 10_000, count: 10_000 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
        caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
      }),
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 700));

    // Both users get the same state everywhere: profile (with a merged device), session, cart, browse counts,
    // decisions and offers, campaign membership, learning entries, NLP signals and GNN interactions.
    const lines = [
      testEvent('product_view', { anonymousId: DEVICE }, { itemId: 'sku-2', price: 40 }),
      ...[VICTIM, KEEPER].flatMap((u) => [
        testEvent('product_view', { userId: u, ...(u === VICTIM ? { anonymousId: DEVICE } : {}) }, { itemId: 'sku-1' }),
        testEvent('product_view', { userId: u }, { itemId: 'sku-1', price: 100, categoryPath: ['shoes'] }),
        testEvent('add_to_cart', { userId: u }, { itemId: 'sku-1', quantity: 1, unitPrice: 100 }),
      ]),
    ];
    await kcatProduce(
      KAFKA_BROKERS,
      clickstream(),
      lines.map((e) => ({ key: e.userId ?? e.anonymousId ?? '', value: JSON.stringify(e) })),
    );
    const nlp = new NlpSignalStore(ctx.redis, {
      priorMean: 0.5,
      priorWeight: 5,
      maxNegativeTerms: 10,
      intentHalfLifeMs: 3_600_000,
      maxIntents: 10,
      maxUserReviews: 10,
      userTtlMs: 86_400_000,
    });
    const log = new InteractionLog(ctx.redis, clickstream(), 1000);
    for (const [i, u] of [VICTIM, KEEPER].entries()) {
      await nlp.applyUserSignals(u, `${clickstream()}:0`, [{ o: String(i), t: Date.now(), c: [['shoes', 0.8]] }]);
      await log.append(0, [{ offset: 10 + i, record: { user: u, items: ['sku-1'], weight: 1, ts: 1 } }]);
      const d = await authFetch(url('/decisions'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: u,
          placement: 'home',
          requestId: randomUUID(),
          items: [{ itemId: 'sku-1', price: 100 }],
        }),
      });
      expect(d.status).toBe(200);
      expect(((await d.json()) as { kind: string }).kind).toBe('offer');
    }
    await waitFor(
      async () => {
        const [v, k] = await Promise.all([reader().getUser(VICTIM), reader().getUser(KEEPER)]);
        const carts = await ctx.redis.hlen(RedisKeys.decision.pendingCartItems());
        return (v?.session.cart.length === 1 && k?.session.cart.length === 1 && carts === 2) || undefined;
      },
      { what: 'both services to have applied the clickstream', timeoutMs: 60_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
    await ctx?.close();
    await redisCluster?.stop();
  });

  it('is refused without the admin role', async () => {
    expect((await erase('reader')).status).toBe(403);
    expect(await reader().getUser(VICTIM)).not.toBeNull();
  });

  it('leaves nothing of the user in Redis but the tombstone and the budget ledger, and keeps everyone else', async () => {
    // What the user left before: in every library's keys.
    const before = await keysHolding(ctx.redis, prefix, VICTIM);
    expect(before.length).toBeGreaterThanOrEqual(8);

    const res = await erase('admin', { requestId: 'dsr-1', anonymousIds: [DEVICE] });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { requestId: string; removed: Record<string, number | null> };
    expect(report.requestId).toBe('dsr-1');
    // The erasure consumer (fed by the request just written to the topic) may get to a store first: the counts
    // are what this call removed. The GNN log is the consumer's alone.
    expect(report.removed['gnn']).toBeNull();
    const log = RedisKeys.gnn.interactionLog(clickstream(), 0);
    await waitFor(async () => !JSON.stringify(await ctx.redis.xrange(log, '-', '+')).includes(VICTIM) || undefined, {
      what: 'the erasure consumer to clear the GNN log',
    });

    const left = await keysHolding(ctx.redis, prefix, VICTIM);
    // The tombstone names the user by design (it must sit in the user's slot); budget offer records are the
    // financial record of offers made and expire with the offer (docs/security.md, Erasure).
    const allowed = (k: string): boolean => k === RedisKeys.user.erased(VICTIM) || /^c:\{budget:[^}]*\}:offer:/.test(k);
    expect(left.filter((k) => !allowed(k))).toEqual([]);
    expect(await keysHolding(ctx.redis, prefix, DEVICE)).toEqual([RedisKeys.user.erased(DEVICE)]);
    expect(await ctx.redis.pttl(RedisKeys.user.erased(VICTIM))).toBeGreaterThan(0);

    // The bystander keeps every piece of state.
    expect((await keysHolding(ctx.redis, prefix, KEEPER)).length).toBeGreaterThanOrEqual(before.length - 2);
    expect((await reader().getUser(KEEPER))?.session.cart).toHaveLength(1);

    // The request is on the erasure topic for every other consumer of it.
    const onTopic = await waitFor(async () => {
      const r = await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.userErasures.name);
      return r.length > 0 ? r : undefined;
    });
    expect(JSON.parse(onTopic[0]!.payload ?? '{}')).toMatchObject({
      type: 'user_erasure',
      userId: VICTIM,
      payload: { requestId: 'dsr-1', requestedBy: 'test-admin' },
    });
  });

  it('is idempotent: a repeated request removes nothing more', async () => {
    const res = await erase('admin');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { removed: unknown }).removed).toEqual({
      featureStore: 0,
      nlp: 0,
      decision: 0,
      gnn: null,
    });
  });

  it('applies an erasure request another system wrote to the user-erasures topic', async () => {
    const gone = 'topic-gone-4d1e';
    const view = testEvent('product_view', { userId: gone }, { itemId: 'sku-1', price: 100 });
    await kcatProduce(KAFKA_BROKERS, clickstream(), [{ key: gone, value: JSON.stringify(view) }]);
    await waitFor(async () => (await reader().getUser(gone)) ?? undefined, { what: 'the profile', timeoutMs: 60_000 });
    const request = testEvent(
      'user_erasure',
      { userId: gone },
      { requestId: 'dsr-topic', requestedBy: 'privacy-desk' },
      { schemaVersion: '1.2' },
    );
    await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.userErasures.name, [
      { key: gone, value: JSON.stringify(request) },
    ]);
    await waitFor(async () => (await ctx.redis.exists(RedisKeys.user.erased(gone))) === 1 || undefined, {
      what: 'the consumer to apply the erasure',
      timeoutMs: 60_000,
    });
    expect(await reader().getUser(gone)).toBeNull();
    expect(await keysHolding(ctx.redis, prefix, gone)).toEqual([RedisKeys.user.erased(gone)]);
  });

  it('drops late events of the erased user in every service, while others keep being processed', async () => {
    const late = [
      testEvent('product_view', { userId: VICTIM }, { itemId: 'sku-3', price: 10 }),
      testEvent('add_to_cart', { userId: VICTIM }, { itemId: 'sku-3', quantity: 1, unitPrice: 10 }),
      testEvent('add_to_cart', { userId: KEEPER }, { itemId: 'sku-3', quantity: 1, unitPrice: 10 }),
    ];
    await kcatProduce(
      KAFKA_BROKERS,
      clickstream(),
      late.map((e) => ({ key: e.userId ?? '', value: JSON.stringify(e) })),
    );
    await new InteractionLog(ctx.redis, clickstream(), 1000).append(0, [
      { offset: 20, record: { user: VICTIM, items: ['sku-3'], weight: 1, ts: 2 } },
    ]);
    // The keeper's event comes after the victim's in each service's partition order only when they share a
    // partition; waiting for the keeper's cart on both sides and then a little longer covers both orders.
    await waitFor(
      async () => {
        const k = await reader().getUser(KEEPER);
        const cart = JSON.stringify(await ctx.redis.hget(RedisKeys.decision.pendingCartItems(), KEEPER));
        return (k?.session.cart.length === 2 && cart.includes('sku-3')) || undefined;
      },
      { what: 'the keeper’s late cart to be applied', timeoutMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 2000));
    // A shop still asking for an offer for the erased user gets none, and no state is written for it.
    const asked = await authFetch(url('/decisions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: VICTIM,
        placement: 'home',
        requestId: randomUUID(),
        items: [{ itemId: 'sku-1', price: 100 }],
      }),
    });
    expect(((await asked.json()) as { kind: string }).kind).toBe('no_offer');
    const left = await keysHolding(ctx.redis, prefix, VICTIM);
    expect(left.filter((k) => k !== RedisKeys.user.erased(VICTIM) && !/^c:\{budget:[^}]*\}:offer:/.test(k))).toEqual(
      [],
    );
  });
});
