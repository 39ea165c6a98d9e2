import { randomUUID } from 'node:crypto';
import { TOPICS, type ConsentEvent } from '@offerstream/contracts';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import {
  freePort,
  isolatedEnv,
  KAFKA_BROKERS,
  kcatProduce,
  ServiceProcess,
  testEvent,
  waitFor,
  type IsolatedEnv,
} from '@offerstream/testing';
import {
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  type DecisionBody,
} from './decision-service.test-fixture';

type Choices = ConsentEvent['payload']['choices'];
const consent = (userId: string, choices: Choices): ConsentEvent =>
  testEvent('consent', userId, { choices, source: 'account_settings' as const }, { schemaVersion: '1.2' });
const view = (userId: string, itemId: string) => testEvent('product_view', userId, { itemId, price: 100 });

/**
 * Consent end to end: consent events produced to the clickstream by kcat, kept in the profile by the stream processor,
 * and read with the profile by two decision services, one under each consent policy.
 */
describe('consent from the clickstream to the decision, against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  const procs: ServiceProcess[] = [];
  const ports: Record<'optOut' | 'optIn', number> = { optOut: 0, optIn: 0 };

  beforeAll(async () => {
    ctx = await isolatedEnv({ ...GREEDY_SERVICE_ENV, JOBS_ENABLED: 'false' });
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    const spPort = await freePort();
    ports.optOut = await freePort();
    ports.optIn = await freePort();
    procs.push(
      ...(await ServiceProcess.startAllReady(
        [
          { app: 'stream-processor', env: ctx.env, port: spPort },
          { app: 'decision-service', env: ctx.env, port: ports.optOut },
          { app: 'decision-service', env: { ...ctx.env, FS_CONSENT_POLICY: 'opt-in' }, port: ports.optIn },
        ],
        120_000,
      )),
    );
    const created = await fetch(`http://127.0.0.1:${ports.optOut}/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'consent',
        name: 'consent',
        budget: { spend: 10_000, count: 10_000 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
        caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
      }),
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 700));

    const events = [
      view('out-email', 'sku-1'),
      consent('out-email', [{ purpose: 'marketing_email', status: 'withdrawn' }]),
      view('out-perso', 'sku-1'),
      consent('out-perso', [{ purpose: 'personalization', status: 'withdrawn' }]),
      consent('in-email', [{ purpose: 'marketing_email', status: 'granted' }]),
      consent('back-again', [{ purpose: 'marketing_push', status: 'withdrawn' }]),
    ];
    await kcatProduce(
      KAFKA_BROKERS,
      ctx.topicPrefix + TOPICS.clickstream.name,
      events.map((e) => ({ key: e.userId ?? '', value: JSON.stringify(e) })),
    );
    await new Promise((r) => setTimeout(r, 5));
    await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.clickstream.name, [
      {
        key: 'back-again',
        value: JSON.stringify(consent('back-again', [{ purpose: 'marketing_push', status: 'granted' }])),
      },
    ]);
    const reader = new FeatureStoreReader(ctx.redis, loadFeatureStoreConfig({}));
    await waitFor(
      async () => {
        const users = await Promise.all(
          ['out-email', 'out-perso', 'in-email', 'back-again'].map((u) => reader.getUser(u)),
        );
        // The grant comes in a second batch: waiting for any consent of 'back-again' raced it.
        const last = users[3]?.consent.marketing_push;
        return (users.every((u) => u !== null && Object.keys(u.consent).length > 0) && last?.granted) || undefined;
      },
      { what: 'the stream processor to keep every consent, the late push grant included', timeoutMs: 60_000 },
    );
    expect((await reader.getUser('back-again'))?.consent.marketing_push?.granted).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await ctx?.close();
  });

  const decide = async (port: number, userId: string, channel: string): Promise<DecisionBody> => {
    const res = await fetch(`http://127.0.0.1:${port}/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId,
        channel,
        placement: 'home',
        requestId: randomUUID(),
        items: [{ itemId: 'sku-1', price: 100 }],
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as DecisionBody;
  };

  it('makes no e-mail offer after an e-mail withdrawal, and still offers by push', async () => {
    expect(await decide(ports.optOut, 'out-email', 'email')).toMatchObject({
      kind: 'no_offer',
      reason: 'no_eligible_campaign',
    });
    expect((await decide(ports.optOut, 'out-email', 'push')).kind).toBe('offer');
  });

  it('makes no on-site offer after a personalization withdrawal, and still offers by e-mail', async () => {
    expect((await decide(ports.optOut, 'out-perso', 'site')).kind).toBe('no_offer');
    expect((await decide(ports.optOut, 'out-perso', 'app')).kind).toBe('no_offer');
    expect((await decide(ports.optOut, 'out-perso', 'email')).kind).toBe('offer');
  });

  it('applies the latest choice: a push grant after a withdrawal allows push again', async () => {
    expect((await decide(ports.optOut, 'back-again', 'push')).kind).toBe('offer');
  });

  it('under opt-in offers only where the user granted, and nothing to a user it has never seen', async () => {
    expect((await decide(ports.optIn, 'in-email', 'email')).kind).toBe('offer');
    expect((await decide(ports.optIn, 'in-email', 'push')).kind).toBe('no_offer');
    expect((await decide(ports.optIn, 'in-email', 'site')).kind).toBe('no_offer');
    expect((await decide(ports.optIn, 'never-seen', 'email')).kind).toBe('no_offer');
    expect((await decide(ports.optOut, 'never-seen', 'email')).kind).toBe('offer');
  });
});
