import { TOPICS, type DecisionRecord } from '@offerstream/contracts';
import { isHoldout, POLICY_FEATURES, POLICY_FEATURES_VERSION } from '@offerstream/decision';
import {
  freePort,
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
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

/** The decisions topic as offline policy evaluation reads it: every decision, not only offers. */
describe('decision log on the decisions topic, against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let service: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    ctx = await isolatedEnv(GREEDY_SERVICE_ENV);
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    port = await freePort();
    service = await ServiceProcess.startReady('decision-service', { ...ctx.env, PORT: String(port) }, port, 90_000);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await ctx?.close();
  });

  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  const post = async (path: string, body: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const decide = async (userId: string, channel: string): Promise<DecisionBody> => {
    const r = await post('/decisions', {
      userId,
      channel,
      placement: 'home',
      items: [{ itemId: 'sku-1', price: 100 }],
    });
    expect(r.status).toBe(200);
    return r.json as DecisionBody;
  };
  const logged = async (): Promise<DecisionRecord[]> =>
    (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.decisions.name)).map(
      (r) => (JSON.parse(r.payload ?? '{}') as { payload: DecisionRecord }).payload,
    );
  const recordOf = (decisionId: string): Promise<DecisionRecord> =>
    waitFor(async () => (await logged()).find((r) => r.decisionId === decisionId), {
      what: `decision ${decisionId} on the decisions topic`,
    });

  it('logs holdout, no-offer and offer decisions with their reason, action and probability', async () => {
    const created = await post('/campaigns', {
      id: 'logged',
      name: 'logged',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0.5,
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
      caps: { perUser: 1, windowHours: 24, cooldownMinutes: 0 },
      eligibility: { channels: ['logged'] },
    });
    expect(created.status).toBe(201);
    let i = 0;
    const userIn = (held: boolean): string => {
      while (isHoldout(`log-${i}`, 'logged', 0.5) !== held) i++;
      return `log-${i++}`;
    };

    const held = await decide(userIn(true), 'logged');
    expect(held.kind).toBe('holdout');
    expect(held.record).toBeUndefined();
    const heldRecord = await recordOf(held.decisionId);
    expect(heldRecord).toMatchObject({
      kind: 'holdout',
      reason: 'holdout',
      campaignId: 'logged',
      action: 'none',
      probability: 1,
      trigger: { kind: 'http_decision' },
    });

    const nobody = await decide('log-nobody', 'no-campaign-here');
    expect(await recordOf(nobody.decisionId)).toMatchObject({
      kind: 'no_offer',
      reason: 'no_eligible_campaign',
      action: 'none',
      probability: 1,
      candidates: [],
    });

    const treated = userIn(false);
    const offered = await decide(treated, 'logged');
    expect(offered.kind).toBe('offer');
    const offerRecord = await recordOf(offered.decisionId);
    expect(offerRecord).toMatchObject({
      kind: 'offer',
      offerId: offered.offer!.offerId,
      action: 'pct20',
      probability: offered.offer!.probability,
      userId: treated,
    });
    expect(offerRecord.candidates.map((c) => c.action).sort()).toEqual(['none', 'pct20']);
    const none = offerRecord.candidates.find((c) => c.action === 'none')!;
    expect(none.upliftEstimate).toBeCloseTo(0, 9);
    expect(offerRecord.candidates.find((c) => c.action === 'pct20')!.expectedIncrementalProfit).toBeDefined();
    expect(offerRecord.modelVersions['propensity']).toBe(offered.offer!.modelVersions['propensity']);
    // Training equals serving: the record carries the feature vector the policy scored with, and its layout.
    expect(offerRecord.features).toHaveLength(POLICY_FEATURES.length);
    expect(offerRecord.featureSet).toBe(POLICY_FEATURES_VERSION);

    // The cap refuses the same user's next offer: no offer with probability 1, the policy's choice beside it.
    const capped = await decide(treated, 'logged');
    expect(capped.reason).toBe('cap');
    expect(await recordOf(capped.decisionId)).toMatchObject({
      kind: 'no_offer',
      reason: 'cap',
      action: 'none',
      probability: 1,
      policyAction: 'pct20',
    });
  });

  it('logs a decision taken from a Kafka offer request under one decision id however often the request is redelivered', async () => {
    const event = testEvent('offer_request', 'log-kafka', {
      userId: 'log-kafka',
      placement: 'home',
      context: { channel: 'no-campaign-here' },
    });
    const { eventId } = event;
    const line = { key: 'log-kafka', value: JSON.stringify(event) };
    await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.offerRequests.name, [line, line]);
    await waitFor(async () => (await logged()).some((r) => r.trigger.id === `offer_request:${eventId}`) || undefined);
    await new Promise((r) => setTimeout(r, 1000));
    const records = (await logged()).filter((r) => r.trigger.id === `offer_request:${eventId}`);
    // Decided before any claim (no campaign), so a redelivery is logged again, but under the same decision id.
    expect(new Set(records.map((r) => r.decisionId)).size).toBe(1);
    expect(records[0]).toMatchObject({
      kind: 'no_offer',
      reason: 'no_eligible_campaign',
      trigger: { kind: 'offer_request' },
      placement: 'home',
    });
  });
});
