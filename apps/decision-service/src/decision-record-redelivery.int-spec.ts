import { TOPICS, type DecisionRecord, type Offer } from '@offerstream/contracts';
import { createLogger, TransientError } from '@offerstream/core';
import {
  CampaignCache,
  CampaignStore,
  CandidateGenerator,
  DecisionEngine,
  InMemoryFeatureSource,
  isHoldout,
  OfferRecordStore,
  POLICY_FEATURES_VERSION,
  ProfitModelStore,
  type Campaign,
  type CampaignCreate,
  type Decision,
  type DecisionRequest,
} from '@offerstream/decision';
import { RedisKeys } from '@offerstream/redis';
import { isolatedEnv, type IsolatedEnv } from '@offerstream/testing';
import { OFFERS_PAY, publishProfitModel } from './decision-service.test-fixture';
import {
  InterruptedReservations,
  OutageProducer,
  payloads,
  TimeoutOutcomes,
  wire,
} from './redelivery-faults.test-fixture';
import { claimedDecisions, OfferPublisher } from './offer-publisher';

/**
 * Issue 12, the decision record lost on redelivery: a trigger claimed by a delivery that then fails (its produce
 * refused during a broker outage, a Redis timeout on tracking) is redelivered, meets its own claim, and must still
 * end with exactly one decision record on the decisions topic, the one the first delivery decided. Real Kafka and
 * Redis; only the failures are injected.
 */
describe('a decision whose first publish fails after its claim, redelivered, in real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  let producer: OutageProducer;
  let profit: ProfitModelStore;
  let reservations: InterruptedReservations;
  let records: OfferRecordStore;
  let outcomes: TimeoutOutcomes;
  let publisher: OfferPublisher;
  let store: CampaignStore;
  let cache: CampaignCache;
  const features = new InMemoryFeatureSource();
  features.itemMap.set('sku-1', { itemId: 'sku-1', price: 100, categoryPath: ['a'] });

  beforeAll(async () => {
    ctx = await isolatedEnv();
    producer = new OutageProducer(ctx.kafka, ctx.topicPrefix);
    await producer.connect();
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    profit = new ProfitModelStore(ctx.redis, POLICY_FEATURES_VERSION);
    await profit.start(60_000);
    reservations = new InterruptedReservations(ctx.redis, { triggerOnceTtlSeconds: 3_600, historyTtlMs: 3_600_000 });
    records = new OfferRecordStore(ctx.redis, 3_600);
    outcomes = new TimeoutOutcomes(ctx.redis, {
      attributionWindowMs: 3_600_000,
      logMax: 1_000,
      markerTtlSeconds: 3_600,
    });
    // As the service wires it: what Kafka acknowledged leaves the outbox, and the records stored with claims go.
    publisher = new OfferPublisher(
      producer,
      createLogger('redelivery', 'error'),
      () => undefined,
      async (o, d) => {
        await Promise.all([records.markPublished(o), reservations.forgetRecords(claimedDecisions(d))]);
      },
    );
    store = new CampaignStore(ctx.redis);
    cache = new CampaignCache(store, 60_000);
  });

  afterAll(async () => {
    await profit?.stop();
    await producer?.disconnect();
    await ctx?.close();
  });

  const engineFor = (campaign: Campaign, model: 'offers pay' | 'no model'): DecisionEngine =>
    new DecisionEngine(
      {
        features,
        candidates: new CandidateGenerator(features, undefined),
        campaigns: () => cache.all.filter((c) => c.id === campaign.id),
        reservations,
        records,
        outcomes,
        profit: model === 'offers pay' ? profit : { current: undefined },
      },
      {
        defaultMarginRate: 0.6,
        candidateCount: 10,
        defaultMaxItems: 3,
        policy: { minActionExamples: 1, caution: 0 },
        explorationMax: 0,
        explorationMin: 0,
        explorationScale: 1,
      },
    );

  const campaignWith = async (id: string, c: Partial<CampaignCreate>): Promise<Campaign> => {
    const created = await store.create({
      id,
      name: id,
      budget: { spend: 1_000, count: 1_000 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [10] },
      caps: { perUser: 1_000, cooldownMinutes: 0 },
      ...c,
    });
    await cache.refresh(true);
    return created;
  };

  /** The campaign's first user in its holdout when it has one, else its first user. */
  const userOf = (campaign: Campaign): string => {
    const users = Array.from({ length: 200 }, (_, i) => `u-${campaign.id}-${i}`);
    return users.find((u) => isHoldout(u, campaign.id, campaign.holdoutShare)) ?? users[0]!;
  };

  const request = (campaign: Campaign, n: number): DecisionRequest => ({
    trigger: 'http_decision',
    triggerId: `redelivery:${campaign.id}:${n}`,
    userId: userOf(campaign),
    channel: 'site',
    placement: 'home',
    seeds: [{ itemId: 'sku-1', price: 100 }],
    now: new Date(),
  });

  /** The consumer's contract: decide and publish; on failure, deliver the same trigger again. */
  async function deliverUntilPublished(engine: DecisionEngine, req: DecisionRequest): Promise<Decision[]> {
    const attempts: Decision[] = [];
    for (let i = 0; i < 5; i++) {
      try {
        const d = await engine.decide(req);
        attempts.push(d);
        await publisher.publish([d]);
        return attempts;
      } catch (e) {
        if (!(e instanceof TransientError) || e.code !== 'INJECTED_FAULT') throw e;
      }
    }
    throw new Error(`trigger ${req.triggerId} never published`);
  }

  const logged = async (campaign: Campaign): Promise<DecisionRecord[]> =>
    (await payloads<DecisionRecord>(ctx, TOPICS.decisions.name)).filter((r) => r.campaignId === campaign.id);

  it.each([
    {
      name: 'a holdout whose produce fails during a broker outage',
      campaign: { holdoutShare: 0.9 },
      model: 'offers pay' as const,
      fail: 'publish' as const,
      kind: 'holdout',
      reason: 'holdout',
    },
    {
      name: 'a holdout whose tracking times out after it ran',
      campaign: { holdoutShare: 0.9 },
      model: 'offers pay' as const,
      fail: 'track' as const,
      kind: 'holdout',
      reason: 'holdout',
    },
    {
      name: 'a no-offer the policy chose, whose produce fails',
      campaign: {},
      model: 'no model' as const,
      fail: 'publish' as const,
      kind: 'no_offer',
      reason: 'policy_chose_no_offer',
    },
    {
      name: 'an offer the budget refused, whose produce fails',
      campaign: { budget: { spend: 1, count: 1_000 } },
      model: 'offers pay' as const,
      fail: 'publish' as const,
      kind: 'no_offer',
      reason: 'budget_spend_exhausted',
    },
  ])('publishes $name exactly once after redelivery, with the record first decided', async (s) => {
    const campaign = await campaignWith(`rd-${s.fail}-${s.reason}`.replace(/_/g, '-'), s.campaign);
    const engine = engineFor(campaign, s.model);
    if (s.fail === 'publish') producer.failures = 1;
    else outcomes.failures = 1;

    const attempts = await deliverUntilPublished(engine, request(campaign, 1));
    producer.failures = outcomes.failures = 0;

    // A failed produce leaves the first decision in hand; a failed track throws it away with the delivery.
    const first = attempts[0]!;
    const last = attempts[attempts.length - 1]!;
    expect(last.kind).toBe('duplicate');
    expect(last.offer).toBeUndefined();
    if (s.fail === 'publish') {
      expect(attempts).toHaveLength(2);
      expect(first.kind).toBe(s.kind);
      expect(wire(last.record)).toEqual(wire(first.record));
    }
    const published = await logged(campaign);
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual(wire(last.record));
    expect(published[0]).toMatchObject({ kind: s.kind, reason: s.reason, decisionId: first.decisionId });

    // Kafka has it: the stored record is gone, and a later redelivery publishes nothing more.
    const req = request(campaign, 1);
    expect(await ctx.redis.exists(RedisKeys.decision.userTriggerRecord(req.userId, req.triggerId))).toBe(0);
    const again = await engine.decide(req);
    expect(again.kind).toBe('duplicate');
    expect(again.record).toBeUndefined();
    await publisher.publish([again]);
    expect(await logged(campaign)).toHaveLength(1);
  });

  it('republishes an offer whose first publish failed as before: the same offer and its record, once', async () => {
    const campaign = await campaignWith('rd-offer', {});
    const engine = engineFor(campaign, 'offers pay');
    producer.failures = 1;
    const attempts = await deliverUntilPublished(engine, request(campaign, 1));
    producer.failures = 0;

    expect(attempts.map((d) => d.kind)).toEqual(['offer', 'duplicate']);
    const [first, last] = attempts as [Decision, Decision];
    expect(last.offer).toEqual(first.offer);
    expect(wire(last.record)).toEqual(wire(first.record));
    const offers = (await payloads<Offer>(ctx, TOPICS.offers.name)).filter((o) => o.campaignId === campaign.id);
    expect(offers.map((o) => o.offerId)).toEqual([first.offer!.offerId]);
    const published = await logged(campaign);
    expect(published).toEqual([wire(first.record)]);
    expect(published[0]).toMatchObject({ kind: 'offer', offerId: first.offer!.offerId });
    expect(await records.outbox(campaign.id, Date.now() + 60_000, 10)).toEqual([]);

    // The refusal record the offer's claim stored went with the acknowledgement: a redelivery publishes nothing.
    const again = await engine.decide(request(campaign, 1));
    expect(again).toMatchObject({ kind: 'duplicate' });
    expect(again.offer).toBeUndefined();
    expect(again.record).toBeUndefined();
  });

  it('ends an offer whose reservation never ran as no offer, once, and refuses that reservation arriving late', async () => {
    const campaign = await campaignWith('rd-interrupted', {});
    const engine = engineFor(campaign, 'offers pay');
    const req = request(campaign, 1);
    reservations.interruptions = 1;
    await expect(engine.decide(req)).rejects.toThrow('injected');
    const marker = (await ctx.redis.get(RedisKeys.decision.userTriggerOnce(req.userId, req.triggerId))) ?? '';
    const offerId = marker.split('@')[0]!;
    expect(marker).toBe(`${offerId}@${campaign.id}`);

    const attempts = await deliverUntilPublished(engine, req);
    expect(attempts.map((d) => [d.kind, d.reason])).toEqual([['duplicate', `duplicate_of_${offerId}`]]);
    const published = await logged(campaign);
    expect(published).toEqual([wire(attempts[0]!.record)]);
    expect(published[0]).toMatchObject({ kind: 'no_offer', reason: 'claim_interrupted', action: 'none' });
    expect(published[0]!.offerId).toBeUndefined();
    // The cap entry of the offer that never was is gone, as after a budget refusal.
    expect(await ctx.redis.zrange(RedisKeys.user.offers(req.userId), 0, -1)).toEqual([]);

    // The interrupted delivery's reservation arrives after all: refused, so the trigger gets no offer too.
    expect(await reservations.late!()).toBe('voided');
    expect((await reservations.reservations(campaign.id)).size).toBe(0);
    expect((await payloads<Offer>(ctx, TOPICS.offers.name)).filter((o) => o.campaignId === campaign.id)).toEqual([]);
    const again = await engine.decide(req);
    expect(again).toMatchObject({ kind: 'duplicate', reason: 'duplicate_of_claim_interrupted' });
    expect(again.record).toBeUndefined();
  });

  it('publishes an offer refused by the per-user cap once after redelivery, with the reason cap', async () => {
    const campaign = await campaignWith('rd-cap', { caps: { perUser: 1, cooldownMinutes: 0 } });
    const engine = engineFor(campaign, 'offers pay');
    const offered = await deliverUntilPublished(engine, request(campaign, 1));
    expect(offered.map((d) => d.kind)).toEqual(['offer']);

    producer.failures = 1;
    const attempts = await deliverUntilPublished(engine, request(campaign, 2));
    producer.failures = 0;
    expect(attempts.map((d) => [d.kind, d.reason])).toEqual([
      ['no_offer', 'cap'],
      ['duplicate', 'duplicate_of_cap'],
    ]);
    expect(wire(attempts[1]!.record)).toEqual(wire(attempts[0]!.record));
    const capped = (await logged(campaign)).filter((r) => r.trigger.id === request(campaign, 2).triggerId);
    expect(capped).toEqual([wire(attempts[0]!.record)]);
  });
});
