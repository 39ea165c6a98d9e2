import { randomBytes, randomUUID } from 'node:crypto';
import { TOPICS } from '@offerstream/contracts';
import { UserPseudonyms } from '@offerstream/core';
import { NlpSignalStore } from '@offerstream/nlp';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import {
  authFetch,
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  keysWithContent,
  testAuthEnv,
  testEvent,
  waitFor,
  type IsolatedEnv,
  type KeyContent,
  type ServiceProcess,
} from '@offerstream/testing';
import {
  createCampaign,
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  startPipeline,
} from './decision-service.test-fixture';

const USERS = ['buyer-5d1c', 'browser-90ae', 'asker-27f4'] as const;
const DEVICE = 'device-c0ffee';
const REVIEW = 'the laces snapped on day two, wobbly-heel-4417';
/** The services' key, generated per run; the test computes the same pseudonyms to find the users' state. */
const HMAC_KEY = randomBytes(32).toString('base64');
const pseudonyms = UserPseudonyms.keyed(HMAC_KEY);
const P = (id: string): string => pseudonyms.of(id);
const RAW = [...USERS, DEVICE];

/** Every key under the prefix with everything it holds as text, and its expiry (negative: none). */
async function everyKey(redis: RedisClient, prefix: string): Promise<(KeyContent & { pttl: number })[]> {
  const keys = await keysWithContent(redis, prefix);
  return Promise.all(keys.map(async (k) => ({ ...k, pttl: await redis.pttl(k.key) })));
}

/**
 * Shared structures that hold entries of many users and so cannot expire as a whole; each is bounded otherwise
 * (docs/security.md, Expiry of per-user keys): settled when the attribution window or the cart deadline passes,
 * capped, or trimmed per partition.
 */
const SHARED = [/^d:\{learn\}:/, /^d:\{carts\}:/, /^d:\{feed\}:offers$/, /^gnn:\{ilog\|[^}]*\}:log$/];

/**
 * A privacy audit of one realistic run: users browse, search, cart, get decisions over HTTP and buy, through real
 * Kafka into a running stream processor and decision service (and the NLP writer); then every key in Redis is
 * enumerated.
 */
describe('privacy of a realistic run against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let prefix = '';
  const procs: ServiceProcess[] = [];
  let port = 0;
  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  const clickstream = (): string => ctx.topicPrefix + TOPICS.clickstream.name;

  beforeAll(async () => {
    ctx = await isolatedEnv({
      ...testAuthEnv(),
      ...GREEDY_SERVICE_ENV,
      JOBS_ENABLED: 'false',
      CART_IDLE_MS: '600000',
      // Everything the services say, so that the log scan sees every line a production log could hold.
      LOG_LEVEL: 'debug',
      USER_ID_HMAC_KEY: HMAC_KEY,
    });
    prefix = String(ctx.env['REDIS_KEY_PREFIX']);
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    const pipeline = await startPipeline(ctx.env);
    procs.push(...pipeline.services);
    port = pipeline.port;
    await createCampaign((path, init) => authFetch(url(path), init), {
      id: 'privacy',
      name: 'privacy',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
      caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
    });

    // The device browses before anyone logs in, and its profile is written before the buyer logs in on it: the two
    // are keyed apart, on partitions of their own, so without the wait the login could come first and leave nothing
    // to merge (a loaded CI machine saw the other order, the device's profile merged away while the test awaited it).
    await kcatProduce(KAFKA_BROKERS, clickstream(), [
      {
        key: DEVICE,
        value: JSON.stringify(testEvent('product_view', { anonymousId: DEVICE }, { itemId: 'sku-2', price: 40 })),
      },
    ]);
    await waitFor(async () => ((await ctx.redis.exists(RedisKeys.user.profile(P(DEVICE)))) === 1 ? true : undefined), {
      what: "the anonymous device's profile",
      timeoutMs: 60_000,
    });
    // Before the login merges it away, the device's own profile is pseudonymous and expires like every user's.
    const device = (await everyKey(ctx.redis, prefix)).find((k) => k.key === RedisKeys.user.profile(P(DEVICE)));
    expect(device?.pttl).toBeGreaterThan(0);
    expect(RAW.filter((u) => device?.text.includes(u))).toEqual([]);
    await kcatProduce(
      KAFKA_BROKERS,
      clickstream(),
      [
        ...USERS.flatMap((u, i) => [
          testEvent('product_view', { userId: u, ...(i === 0 ? { anonymousId: DEVICE } : {}) }, { itemId: 'sku-1' }),
          ...[1, 2, 3].map(() =>
            testEvent('product_view', { userId: u }, { itemId: 'sku-1', price: 100, categoryPath: ['shoes'] }),
          ),
          testEvent('add_to_cart', { userId: u }, { itemId: 'sku-1', quantity: 1, unitPrice: 100 }),
          testEvent('review', { userId: u }, { itemId: 'sku-1', rating: 1, text: REVIEW }),
        ]),
      ].map((e) => ({ key: e.userId ?? e.anonymousId ?? '', value: JSON.stringify(e) })),
    );
    // The NLP worker's own writer (the worker needs a model to run; its keys are what matter here).
    const nlp = new NlpSignalStore(ctx.redis, {
      priorMean: 0.5,
      priorWeight: 5,
      maxNegativeTerms: 10,
      intentHalfLifeMs: 3_600_000,
      maxIntents: 10,
      maxUserReviews: 10,
      userTtlMs: 86_400_000,
    });
    const repeated = randomUUID();
    for (const [i, u] of USERS.entries()) {
      await nlp.applyUserSignals(P(u), `${clickstream()}:0`, [{ o: String(i), t: Date.now(), c: [['shoes', 0.8]] }]);
      const d = await authFetch(url('/decisions'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: u,
          placement: 'home',
          // The browser's request is sent twice: the repeat makes no offer, and is logged with its trigger id.
          requestId: i === 1 ? repeated : randomUUID(),
          items: [{ itemId: 'sku-1', price: 100 }],
        }),
      });
      expect(d.status).toBe(200);
    }
    const repeat = await authFetch(url('/decisions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: USERS[1], placement: 'home', requestId: repeated }),
    });
    expect(((await repeat.json()) as { kind: string }).kind).not.toBe('offer');
    // The buyer buys after the decisions: a conversion in the campaign's figures and the buyer's member key.
    const purchase = testEvent(
      'purchase',
      { userId: USERS[0] },
      {
        orderId: `order-${randomUUID()}`,
        lines: [{ itemId: 'sku-1', quantity: 1, unitPrice: 80 }],
        total: 80,
        currency: 'EUR',
      },
    );
    await kcatProduce(KAFKA_BROKERS, clickstream(), [{ key: USERS[0], value: JSON.stringify(purchase) }]);
    await waitFor(
      async () => (await ctx.redis.hget(RedisKeys.campaign.statsMember('privacy', P(USERS[0])), 'rev')) ?? undefined,
      { what: 'the purchase to be attributed to the campaign', timeoutMs: 60_000 },
    );
    // The login merged the device into the buyer: the device's profile is gone and its alias names the buyer.
    await waitFor(
      async () =>
        (await ctx.redis.get(RedisKeys.alias(P(DEVICE)))) === P(USERS[0]) &&
        (await ctx.redis.exists(RedisKeys.user.profile(P(DEVICE)))) === 0
          ? true
          : undefined,
      { what: "the device's merge into the buyer", timeoutMs: 60_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
    await ctx?.close();
  });

  it('names the users by keyed pseudonym only, in every Redis key and value', async () => {
    const keys = await everyKey(ctx.redis, prefix);
    const raw = keys.filter((k) => RAW.some((u) => k.key.includes(u) || k.text.includes(u)));
    expect(raw.map((k) => k.key)).toEqual([]);
    // The state is there, under the pseudonyms: profile, NLP signals, offers, campaign membership.
    for (const u of USERS) {
      expect(await ctx.redis.exists(RedisKeys.user.profile(P(u)))).toBe(1);
      expect(await ctx.redis.exists(RedisKeys.campaign.statsMember('privacy', P(u)))).toBe(1);
    }
    expect(await ctx.redis.get(RedisKeys.alias(P(DEVICE)))).toBe(P(USERS[0]));
  });

  it('leaves no key that holds a user without an expiry, but the bounded shared structures', async () => {
    const keys = await everyKey(ctx.redis, prefix);
    const ids = RAW.map(P);
    const perUser = keys.filter((k) => ids.some((u) => k.key.includes(u) || k.text.includes(u)));
    // Every library's per-user keys are there: profile, NLP, offers, campaigns, trigger-once claims, member.
    for (const u of USERS) expect(perUser.filter((k) => k.key.includes(P(u))).length).toBeGreaterThanOrEqual(7);
    expect(perUser.map((k) => k.key)).toEqual(
      expect.arrayContaining([RedisKeys.campaign.statsMember('privacy', P(USERS[0])), RedisKeys.alias(P(DEVICE))]),
    );
    const forever = perUser.filter((k) => k.pttl < 0 && !SHARED.some((re) => re.test(k.key)));
    expect(forever.map((k) => k.key)).toEqual([]);
  });

  it("writes no raw user id and no review text to the services' logs, and pseudonyms to the decisions topic", async () => {
    // Erasure over HTTP and an offer request over Kafka go through the same boundary before the logs are read.
    const erased = await authFetch(url(`/users/${USERS[2]}`), { method: 'DELETE' }, 'admin');
    expect(erased.status).toBe(200);
    expect(await ctx.redis.exists(RedisKeys.user.profile(P(USERS[2])))).toBe(0);
    expect(await ctx.redis.exists(RedisKeys.user.erased(P(USERS[2])))).toBe(1);
    const lines = procs.flatMap((p) => p.output);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((l) => RAW.some((u) => l.includes(u)))).toEqual([]);
    // The scan does read lines that name a user: the repeated request's, by the pseudonym in its trigger id.
    expect(lines.filter((l) => l.includes(P(USERS[1]))).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.includes('wobbly-heel-4417'))).toEqual([]);
    const decisions = (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.decisions.name)).map((r) =>
      JSON.stringify(r),
    );
    expect(decisions.length).toBeGreaterThanOrEqual(USERS.length);
    expect(decisions.filter((d) => RAW.some((u) => d.includes(u)))).toEqual([]);
    expect(decisions.filter((d) => d.includes(P(USERS[0]))).length).toBeGreaterThanOrEqual(1);
  });

  it('exports the campaign figures with differential privacy and spends the ε budget', async () => {
    const first = await authFetch(url('/campaigns/privacy/private-report?epsilon=0.6&segments=vip'), {}, 'reader');
    expect(first.status).toBe(200);
    const report = (await first.json()) as { epsilonRemaining: number; noiseScale: number; segments: object };
    expect(report.epsilonRemaining).toBeCloseTo(0.4, 6);
    expect(report.noiseScale).toBeCloseTo(4 / 0.6, 6);
    expect(Object.keys(report.segments).sort()).toEqual(['other', 'vip']);
    const over = await authFetch(url('/campaigns/privacy/private-report?epsilon=0.6'), {}, 'reader');
    expect(over.status).toBe(409);
    expect(((await over.json()) as { error: string }).error).toBe('PRIVACY_BUDGET_CONFLICT');
    expect((await authFetch(url('/campaigns/privacy/private-report?epsilon=0.1'), {}, 'decider')).status).toBe(403);
  });
});
