import { randomBytes } from 'node:crypto';
import { isolatedRedis } from '@offerstream/testing';
import { campaign, campaignCreate, type Campaign } from '../campaign/campaign.schema';
import { BudgetPacer } from './budget-pacer';
import { ReservationStore } from './reservation.store';

const isolated = isolatedRedis();

const make = (): Campaign =>
  campaign.parse({
    ...campaignCreate.parse({ id: `c${randomBytes(3).toString('hex')}`, name: 'c', budget: { spend: 1e6, count: 10 } }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });

describe('the budget pacer on a real ledger', () => {
  afterAll(() => isolated.close());

  it('prices offers made once most of an open-ended count is made, dismissed or not, and slows exploration with it', async () => {
    const redis = isolated.client();
    const c = make();
    const store = new ReservationStore(redis, {
      triggerOnceTtlSeconds: 600,
      historyTtlMs: 3_600_000,
      releaseGraceMs: 0,
    });
    const settings = { refreshMs: 60_000, gain: 1, maxPrice: 5 };
    const pacer = new BudgetPacer(redis, () => [c], settings);
    const unpaced = new BudgetPacer(redis, () => [c], { ...settings, paceOffers: false });
    for (let g = 1; g <= 100; g++) {
      pacer.observe(c.id, g);
      unpaced.observe(c.id, g);
    }
    await pacer.refresh();
    expect(pacer.price(c.id)).toEqual({ perCost: 0, perOffer: 0, offerShare: 1 });

    for (let i = 0; i < 8; i++) await store.reserveBudget(c, 1, `o${i}`, Date.now() + 60_000);
    // Dismissed offers give their spend back, not the count of offers made: the price must not fall.
    for (let i = 0; i < 4; i++) await store.settleBudget(c.id, `o${i}`, 'dismiss', Date.now());
    await Promise.all([pacer.refresh(), unpaced.refresh()]);
    // 8 of 10 used, no end date: pressure (0.5 - 0.2) / 0.2 = 1.5, keep 1 / 2.5 of the offers, the best 40%.
    const paced = pacer.price(c.id);
    expect(paced.offerShare).toBeCloseTo(0.4, 10);
    expect(paced.perOffer).toBe(61);
    expect(unpaced.price(c.id)).toEqual({ perCost: 0, perOffer: 0, offerShare: 1 });
  });
});
