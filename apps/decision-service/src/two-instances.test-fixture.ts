import { TOPICS, type Offer } from '@offerstream/contracts';
import {
  freePort,
  isolatedEnv,
  kcatConsumeAll,
  KAFKA_BROKERS,
  ServiceProcess,
  startRedisCluster,
  waitFor,
  type IsolatedEnv,
  type RedisClusterHandle,
} from '@offerstream/testing';
import {
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  type DecisionBody,
} from './decision-service.test-fixture';

/**
 * The Redis each two-instance suite runs on: a standalone Redis, and again a real three-node Redis Cluster, where
 * every guardrail script must find its keys in one slot (budgets, caps, trigger-once markers, holdout membership,
 * the learning loop).
 */
export const REDIS_MODES = [
  { redis: 'a standalone Redis', cluster: false },
  { redis: 'a three-node Redis Cluster', cluster: true },
] as const;

export interface TwoInstances {
  /** The environment both instances share (valid inside the suite's tests). */
  readonly ctx: IsolatedEnv;
  /** The URL of `path` on one instance; `instance` alternates between the two (any integer). */
  url(path: string, instance?: number): string;
  post(path: string, body: unknown, instance?: number): Promise<{ status: number; json: Record<string, unknown> }>;
  /** POST /decisions for sku-1 at 100 on the home placement, expecting 200. */
  decide(body: Record<string, unknown>, instance?: number): Promise<DecisionBody>;
  /** A campaign only this test's channel reaches, so tests never decide with each other's campaigns. */
  campaign(channel: string, extra: Record<string, unknown>): Promise<string>;
  offersTopic(): string;
  offersOnTopic(): Promise<Offer[]>;
}

/**
 * Two decision-service instances sharing one isolated environment, as two pods would share Kafka and Redis, started
 * once for the suite (beforeAll) on a greedy policy in a market where every offer pays, so guardrail tests see
 * offers wherever the guardrails allow them. Call inside `describe`.
 */
export function twoInstances(cluster: boolean): TwoInstances {
  let ctx: IsolatedEnv | undefined;
  const services: ServiceProcess[] = [];
  const ports: number[] = [];
  let redisCluster: RedisClusterHandle | undefined;
  const env = (): IsolatedEnv => {
    if (!ctx) throw new Error('twoInstances used outside its suite');
    return ctx;
  };

  beforeAll(async () => {
    if (cluster) redisCluster = await startRedisCluster(3);
    const shared = await isolatedEnv({
      ...(redisCluster ? { REDIS_CLUSTER_NODES: redisCluster.nodes } : {}),
      DEFAULT_CAMPAIGN: 'false',
      DEFAULT_MARGIN_RATE: '0.6',
      CART_IDLE_MS: '1000',
      CART_POLL_MS: '100',
      // Pacing off in effect (one refresh at start, before any campaign): these suites hold the hard caps, and a
      // refresh between two of a test's decisions would price a half-spent budget's next offer out first (a
      // no-offer for pacing where the test asserts the cap's refusal; seen on a loaded CI machine).
      PACING_REFRESH_MS: '600000',
      ...GREEDY_SERVICE_ENV,
    });
    ctx = shared;
    await publishProfitModel(shared.redis, OFFERS_PAY);
    await publishCatalog(shared.redis, [{ itemId: 'sku-1', price: 100 }]);
    ports.push(await freePort(), await freePort());
    services.push(
      ...(await ServiceProcess.startAllReady(
        ports.map((port) => ({ app: 'decision-service', env: shared.env, port })),
        90_000,
      )),
    );
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await ctx?.close();
    await redisCluster?.stop();
  });

  const url = (path: string, instance = 0): string => `http://127.0.0.1:${ports[instance % ports.length]}${path}`;
  const post: TwoInstances['post'] = async (path, body, instance = 0) => {
    const res = await fetch(url(path, instance), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const offersTopic = (): string => env().topicPrefix + TOPICS.offers.name;

  return {
    get ctx() {
      return env();
    },
    url,
    post,
    async decide(body, instance = 0) {
      const r = await post(
        '/decisions',
        { placement: 'home', items: [{ itemId: 'sku-1', price: 100 }], ...body },
        instance,
      );
      expect(r.status).toBe(200);
      return r.json as unknown as DecisionBody;
    },
    async campaign(channel, extra) {
      const id = `c-${channel}`;
      const r = await post('/campaigns', {
        id,
        name: channel,
        budget: { spend: 10_000, count: 10_000 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
        caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
        eligibility: { channels: [channel] },
        ...extra,
      });
      expect(r.status).toBe(201);
      // Both instances must see it (short poll of the change counter) before deciding with it.
      await waitFor(async () => (await fetch(url(`/campaigns/${id}`, 1))).ok || undefined);
      await new Promise((r) => setTimeout(r, 500));
      return id;
    },
    offersTopic,
    offersOnTopic: async () =>
      (await kcatConsumeAll(KAFKA_BROKERS, offersTopic())).map(
        (r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload,
      ),
  };
}
