import type { Offer } from '@offerstream/contracts';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { CampaignStore } from '../campaign/campaign.store';
import { ReservationStore } from '../guardrails/reservation.store';
import { campaignReport } from '../learning/campaign-report';
import { DecisionOutcomeStore } from '../learning/decision-outcome.store';
import { OfferRecordStore } from '../learning/offer-record.store';
import { CampaignSeries } from './campaign-series';
import { OfferActivityStore } from './offer-activity.store';
import { UserDecisionsReader } from './user-decisions.reader';

const isolated = isolatedRedis();
const client = (): RedisClient => isolated.client();

const offer = (n: number, extra: Partial<Offer> = {}): Offer => ({
  offerId: `o-${n}`,
  userId: `u-${n % 2}`,
  offerType: 'percent_discount',
  items: ['sku-1'],
  value: 10,
  currency: 'EUR',
  expiresAt: '2026-12-31T00:00:00Z',
  campaignId: 'spring',
  trigger: 'http_decision',
  triggerId: `t-${n}`,
  reasonCodes: [`action:pct10`, `n:${n}`],
  modelVersions: {},
  score: 1,
  upliftEstimate: 0.1,
  expectedIncrementalProfit: 2.5,
  probability: 0.5,
  ...extra,
});

describe("the console's readers in real Redis", () => {
  const clients: RedisClient[] = [];
  const redis = (): RedisClient => {
    const c = client();
    clients.push(c);
    return c;
  };
  afterAll(() => isolated.close());

  it('keeps one point per bucket whichever instance samples first, and only the newest points', async () => {
    const a = redis();
    const settings = { bucketMs: 1_000, maxPoints: 3, ttlSeconds: 600 };
    const [one, two] = [new CampaignSeries(a, settings), new CampaignSeries(redis(), settings)];
    const c = await new CampaignStore(a).create({ id: 'series', name: 'Series', budget: { spend: 100, count: 10 } });
    const report = await campaignReport(a, c);
    const first = await Promise.all([one.sample(report, 10_100), two.sample(report, 10_900)]);
    expect(first.sort()).toEqual([false, true]);
    for (const t of [11_000, 12_500, 13_000, 14_999]) await one.sample(report, t);
    const points = await two.read('series');
    expect(points.map((p) => p.at)).toEqual([12_000, 13_000, 14_000]);
    expect(points[0]).toMatchObject({ reservedSpend: 0, offersMade: 0, incrementalConversions: null });
    expect(await a.ttl(RedisKeys.campaign.statsSeries('series'))).toBeGreaterThan(500);
  });

  it("keeps the newest offers in the feed and counts each campaign's offers by type, trigger, channel and placement", async () => {
    const store = new OfferActivityStore(redis(), { feedMax: 4, feedTtlSeconds: 600 });
    await store.record([offer(1, { placement: 'home', channel: 'site' }), offer(2), offer(3)], 1_000);
    await store.record([offer(4, { offerType: 'free_shipping', value: 0 }), offer(5, { campaignId: 'other' })], 2_000);
    const feed = await store.feed(10);
    expect(feed.map((o) => [o.offerId, o.publishedAt])).toEqual([
      ['o-5', 2_000],
      ['o-4', 2_000],
      ['o-3', 1_000],
      ['o-2', 1_000],
    ]);
    expect(feed[3]!.reasonCodes).toEqual(['action:pct10', 'n:2']);
    expect(await store.feed(1)).toHaveLength(1);
    expect(await store.mix('spring')).toEqual({
      offerType: { percent_discount: 3, free_shipping: 1 },
      trigger: { http_decision: 4 },
      channel: { site: 1, none: 3 },
      placement: { home: 1, none: 3 },
    });
  });

  it("reads a user's offers with their reason codes, and the latest decision without its feature vector", async () => {
    const r = redis();
    const c = await new CampaignStore(r).create({
      id: 'spring',
      name: 'Spring',
      budget: { spend: 100, count: 10 },
      caps: { cooldownMinutes: 0 },
    });
    const reservations = new ReservationStore(r, { triggerOnceTtlSeconds: 600, historyTtlMs: 3_600_000 });
    const records = new OfferRecordStore(r, 600);
    const now = Date.now();
    for (const n of [2, 4]) {
      const o = offer(n);
      expect(
        (
          await reservations.claimUser({
            userId: 'u-0',
            triggerId: o.triggerId,
            mode: 'offer',
            campaign: c,
            offerId: o.offerId,
            nowMs: now + n,
          })
        ).status,
      ).toBe('ok');
      const record = {
        offerId: o.offerId,
        userId: 'u-0',
        campaignId: c.id,
        action: 'pct10',
        cost: 5,
        probability: 0.5,
        createdAt: new Date(now).toISOString(),
        published: { offer: o },
      };
      expect(
        await reservations.reserveBudget(c, 5, o.offerId, now + 3_600_000, records.toWrite(record, 3_600), now),
      ).toBe('reserved');
    }
    await new DecisionOutcomeStore(r, { attributionWindowMs: 3_600_000, logMax: 100, markerTtlSeconds: 600 }).track({
      decisionId: 'd-1',
      userId: 'u-0',
      campaignId: c.id,
      action: 'pct10',
      propensity: 0.5,
      features: [1, 2, 3],
      available: { none: 0.5, pct10: 0.5 },
      holdout: false,
      offerId: 'o-4',
      decidedAt: now,
    });
    const read = await new UserDecisionsReader(redis(), records).read('u-0');
    expect(read.offers.map((o) => [o.offerId, o.campaignId, o.action, o.offer?.reasonCodes])).toEqual([
      ['o-4', 'spring', 'pct10', ['action:pct10', 'n:4']],
      ['o-2', 'spring', 'pct10', ['action:pct10', 'n:2']],
    ]);
    expect(read.latest).toEqual({
      decisionId: 'd-1',
      userId: 'u-0',
      campaignId: 'spring',
      action: 'pct10',
      propensity: 0.5,
      available: { none: 0.5, pct10: 0.5 },
      holdout: false,
      offerId: 'o-4',
      decidedAt: now,
    });
    expect(await new UserDecisionsReader(r, records).read('nobody')).toEqual({ latest: null, offers: [] });
  });
});
