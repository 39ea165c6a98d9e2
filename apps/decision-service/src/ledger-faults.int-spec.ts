import { TOPICS, type DecisionRecord, type Offer } from '@offerstream/contracts';
import { createLogger, seededRandom, TransientError, type Rng } from '@offerstream/core';
import {
  CampaignCache,
  CampaignStore,
  CandidateGenerator,
  DecisionEngine,
  DecisionOutcomeStore,
  InMemoryFeatureSource,
  OfferRecordStore,
  POLICY_FEATURES_VERSION,
  ProfitModelStore,
  ReservationStore,
  type Campaign,
  type Decision,
  type DecisionRequest,
} from '@offerstream/decision';
import { EventProducer, type TopicBatch } from '@offerstream/kafka';
import { Registry } from 'prom-client';
import { isolatedEnv, kcatConsumeAll, KAFKA_BROKERS, type IsolatedEnv } from '@offerstream/testing';
import { BudgetSweeper } from './budget-sweeper';
import { loadDecisionServiceConfig } from './decision-service.config';
import { OFFERS_PAY, publishProfitModel } from './decision-service.test-fixture';
import { OfferPublisher } from './offer-publisher';

/**
 * The budget ledger under injected faults, against real Redis and Kafka. Every step of a decision that writes
 * somewhere (reserve, record, release, track, publish) fails at random, either before it reaches Redis or Kafka or
 * after (a timeout whose command did run), and the trigger is redelivered as the consumer would; then the outbox is
 * swept and outcomes arrive. Whatever failed, the ledger must balance (reserved = redeemed + released + open), no
 * offer on the topic may lack a reservation, every reservation's offer must reach the topic, and a trigger never
 * yields two different offers.
 */
type Step = 'reserve' | 'record' | 'release' | 'track' | 'publish';
type When = 'before' | 'after';

const TRIGGERS = 30;
const REDELIVERIES = 8;
const FAULT_RATE = 0.35;

class Faults {
  step: Step | undefined;
  when: When = 'before';
  injected = 0;
  constructor(private readonly random: Rng) {}

  async at<T>(step: Step, work: () => Promise<T>): Promise<T> {
    if (step !== this.step || this.random() >= FAULT_RATE) return work();
    this.injected++;
    if (this.when === 'after') await work();
    throw new TransientError('INJECTED_FAULT', `injected ${this.when} ${step}`);
  }
}

class FaultyReservations extends ReservationStore {
  faults!: Faults;
  override reserveBudget(
    ...a: Parameters<ReservationStore['reserveBudget']>
  ): ReturnType<ReservationStore['reserveBudget']> {
    return this.faults.at('reserve', () => super.reserveBudget(...a));
  }
  override releaseUser(...a: Parameters<ReservationStore['releaseUser']>): Promise<void> {
    return this.faults.at('release', () => super.releaseUser(...a));
  }
}

class FaultyRecords extends OfferRecordStore {
  faults!: Faults;
  override index(...a: Parameters<OfferRecordStore['index']>): Promise<void> {
    return this.faults.at('record', () => super.index(...a));
  }
}

class FaultyOutcomes extends DecisionOutcomeStore {
  faults!: Faults;
  override track(...a: Parameters<DecisionOutcomeStore['track']>): Promise<boolean> {
    return this.faults.at('track', () => super.track(...a));
  }
}

class FaultyProducer extends EventProducer {
  faults!: Faults;
  override sendMany(batches: readonly TopicBatch[]): Promise<void> {
    return this.faults.at('publish', () => super.sendMany(batches));
  }
}

describe('the budget ledger with a failure injected at every step of a decision, in real Redis and Kafka', () => {
  let ctx: IsolatedEnv;
  let producer: FaultyProducer;
  let profit: ProfitModelStore;
  const faults = new Faults(seededRandom(11));

  beforeAll(async () => {
    ctx = await isolatedEnv();
    producer = new FaultyProducer(ctx.kafka, ctx.topicPrefix);
    producer.faults = faults;
    await producer.connect();
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    profit = new ProfitModelStore(ctx.redis, POLICY_FEATURES_VERSION);
    await profit.start(60_000);
  });

  afterAll(async () => {
    await profit?.stop();
    await producer?.disconnect();
    await ctx?.close();
  });

  const scenarios: [Step, When][] = (['reserve', 'record', 'release', 'track', 'publish'] as const).flatMap((s) =>
    (['before', 'after'] as const).map((w): [Step, When] => [s, w]),
  );

  it.each(scenarios)('keeps the ledger whole when %s fails %s its write', async (step, when) => {
    const { redis } = ctx;
    const config = loadDecisionServiceConfig({ ...ctx.env, OUTBOX_GRACE_MS: '1000' });
    const logger = createLogger('ledger-faults', 'error');
    const settings = { triggerOnceTtlSeconds: 3_600, historyTtlMs: 3_600_000, releaseGraceMs: 0 };
    const reservations = new FaultyReservations(redis, settings);
    const records = new FaultyRecords(redis, 3_600);
    const outcomes = new FaultyOutcomes(redis, {
      attributionWindowMs: 3_600_000,
      logMax: 1_000,
      markerTtlSeconds: 3_600,
    });
    reservations.faults = records.faults = outcomes.faults = faults;
    const store = new CampaignStore(redis);
    const cache = new CampaignCache(store, 60_000);
    // Money for about two thirds of the triggers: the rest are refused by the budget, so `release` runs too.
    const campaign: Campaign = await store.create({
      id: `ledger-${step}-${when}`,
      name: 'ledger',
      budget: { spend: 100, count: 1_000 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [10] },
      caps: { perUser: 1_000, cooldownMinutes: 0 },
    });
    await cache.refresh(true);
    const features = new InMemoryFeatureSource();
    features.itemMap.set('sku-1', { itemId: 'sku-1', price: 100, categoryPath: ['a'] });
    const engine = new DecisionEngine(
      {
        features,
        candidates: new CandidateGenerator(features, undefined),
        campaigns: () => cache.all.filter((c) => c.id === campaign.id),
        reservations,
        records,
        outcomes,
        profit,
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
    const publisher = new OfferPublisher(
      producer,
      logger,
      () => undefined,
      (offers) => records.markPublished(offers),
    );
    const sweeper = new BudgetSweeper(config, logger, cache, reservations, records, publisher, new Registry());

    faults.step = step;
    faults.when = when;
    const injectedBefore = faults.injected;
    const request = (i: number): DecisionRequest => ({
      trigger: 'http_decision',
      triggerId: `ledger:${campaign.id}:${i}`,
      userId: `u-${campaign.id}-${i}`,
      channel: 'site',
      placement: 'home',
      seeds: [{ itemId: 'sku-1', price: 100 }],
      now: new Date(),
    });
    // The consumer's contract: a trigger whose decision or publish failed is delivered again, up to a bound.
    const completed: string[] = [];
    for (let i = 0; i < TRIGGERS; i++) {
      for (let attempt = 0; attempt < REDELIVERIES; attempt++) {
        try {
          const d: Decision = await engine.decide(request(i));
          await publisher.publish([d]);
          completed.push(d.triggerId);
          break;
        } catch (e) {
          if (!(e instanceof TransientError) || e.code !== 'INJECTED_FAULT') throw e;
        }
      }
    }
    faults.step = undefined;
    expect(faults.injected).toBeGreaterThan(injectedBefore);

    // What no redelivery published (a trigger given up on) leaves the outbox through the sweeper.
    await new Promise((r) => setTimeout(r, 1_100));
    await sweeper.sweepOutbox(campaign.id, Date.now());
    expect(await records.outbox(campaign.id, Date.now(), 1_000)).toEqual([]);

    const offers = (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.offers.name))
      .map((r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload)
      .filter((o) => o.campaignId === campaign.id);
    const logged = (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.decisions.name))
      .map((r) => (JSON.parse(r.payload ?? '{}') as { payload: DecisionRecord }).payload)
      .filter((d) => d.campaignId === campaign.id);

    // Outcomes for some of the offers, then the window of the rest passes.
    const published = [...new Set(offers.map((o) => o.offerId))];
    const settleRandom = seededRandom(published.length);
    for (const id of published) {
      const x = settleRandom();
      if (x < 0.4) await reservations.settleBudget(campaign.id, id, 'redeem', Date.now());
      else if (x < 0.7) await reservations.settleBudget(campaign.id, id, 'dismiss', Date.now());
    }
    const beforeWindow = await reservations.reservations(campaign.id);
    // Past every offer's window, not yet past the retention of settled entries.
    await reservations.releaseDue(campaign.id, Date.now() + campaign.offerTtlHours * 3_600_000 + 60_000);

    const entries = await reservations.reservations(campaign.id);
    const ledger = await reservations.ledger(campaign.id);
    const cents = (states: string): number =>
      [...entries.values()].filter((e) => states.includes(e.state)).reduce((s, e) => s + e.cents, 0);
    const n = (states: string): number => [...entries.values()].filter((e) => states.includes(e.state)).length;
    const openBefore = [...beforeWindow.values()].filter((e) => e.state === 'R').length;

    // reserved = redeemed + released + open, in count and in money, and never over the limit.
    expect(ledger.made).toBe(entries.size);
    expect(ledger.made).toBe(ledger.redeemedCount + ledger.releasedCount + n('R'));
    expect(cents('RDXL') / 100).toBeCloseTo(ledger.redeemedSpend + ledger.releasedSpend + cents('R') / 100, 6);
    expect(ledger.redeemedCount).toBe(n('D'));
    expect(ledger.releasedCount).toBe(n('XL'));
    expect(ledger.spend).toBeCloseTo(cents('RD') / 100, 6);
    expect(ledger.spend).toBeLessThanOrEqual(campaign.budget.spend);
    expect(ledger.windowReleasedCount).toBe(openBefore);
    expect(ledger.made).toBeGreaterThan(0);

    // No published offer lacks a reservation, and no reservation's offer was lost.
    expect(published.filter((id) => !entries.has(id))).toEqual([]);
    expect([...entries.keys()].sort()).toEqual([...published].sort());
    // One offer per trigger (a repeat publish carries the same offer id), each with its decision record.
    const perTrigger = new Map<string, Set<string>>();
    for (const o of offers) perTrigger.set(o.triggerId, (perTrigger.get(o.triggerId) ?? new Set()).add(o.offerId));
    expect([...perTrigger.values()].filter((s) => s.size > 1)).toEqual([]);
    const recorded = new Set(logged.flatMap((d) => (d.offerId ? [d.offerId] : [])));
    expect(published.filter((id) => !recorded.has(id))).toEqual([]);
    // Every trigger delivered until published has its decision record, offer or not, and one only (a repeat is the
    // same record).
    const byTrigger = new Map<string, Set<string>>();
    for (const d of logged)
      byTrigger.set(d.trigger.id, (byTrigger.get(d.trigger.id) ?? new Set()).add(JSON.stringify(d)));
    expect(completed.filter((t) => !byTrigger.has(t))).toEqual([]);
    expect([...byTrigger].filter(([, r]) => r.size > 1)).toEqual([]);
  });
});
