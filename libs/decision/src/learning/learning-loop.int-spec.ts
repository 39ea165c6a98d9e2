import { isolatedRedis } from '@offerstream/testing';
import { seededRandom } from '@offerstream/core';
import { type RedisClient } from '@offerstream/redis';
import { DecisionOutcomeStore, type TrackedDecision } from './decision-outcome.store';
import { LearningLoop } from './learning-loop';
import { orderProfit } from './order-profit';
import { ProfitModelStore } from './profit-model.store';
import { refitProfitModel } from './profit-refit';

const WINDOW_MS = 1_000;

/**
 * A market where a discount pays only for users with feature 1 set: they buy 60% of the time with it and 20%
 * without (margin 30, discount 10); everyone else buys 30% of the time either way. Decisions are logged by a
 * uniform policy, as exploration would.
 */
function decisions(n: number, seed: number, t0: number): { d: TrackedDecision; reward: number }[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const persuadable = random() < 0.5 ? 1 : 0;
    const action = random() < 0.5 ? 'pct10' : 'none';
    const p = persuadable ? (action === 'pct10' ? 0.6 : 0.2) : 0.3;
    const bought = random() < p;
    const reward = bought ? 30 - (action === 'pct10' ? 10 : 0) : 0;
    return {
      d: {
        decisionId: `d${seed}-${i}`,
        userId: `u${seed}-${i}`,
        campaignId: 'c',
        action,
        propensity: 0.5,
        features: [persuadable, random()],
        available: { none: 0.5, pct10: 0.5 },
        values: { none: 30, pct10: 20 },
        holdout: false,
        decidedAt: t0,
      },
      reward,
    };
  });
}

describe('learning from every decision in real Redis', () => {
  let redis: RedisClient;
  let closeRedis: () => Promise<void>;
  let store: DecisionOutcomeStore;
  beforeAll(() => {
    ({ redis, close: closeRedis } = isolatedRedis());
    store = new DecisionOutcomeStore(redis, { attributionWindowMs: WINDOW_MS, logMax: 10_000, markerTtlSeconds: 600 });
  });
  afterAll(() => closeRedis());

  it('rewards a decision with the gross profit bought in its window, once per order, and no offer with 0 when nothing is bought', async () => {
    const t0 = Date.now();
    const base = {
      campaignId: 'c',
      propensity: 0.9,
      features: [1, 2],
      available: { none: 0.9, pct10: 0.1 },
      holdout: false,
      decidedAt: t0,
    };
    expect(await store.track({ ...base, decisionId: 'a', userId: 'ua', action: 'pct10', offerId: 'o1' })).toBe(true);
    expect(await store.track({ ...base, decisionId: 'a', userId: 'ua', action: 'pct10' })).toBe(false);
    expect(await store.track({ ...base, decisionId: 'b', userId: 'ub', action: 'none' })).toBe(true);
    expect(await store.purchase('ua', 'order-1', 12.5, t0 + 10)).toBe(true);
    expect(await store.purchase('ua', 'order-1', 12.5, t0 + 20)).toBe(false);
    expect(await store.purchase('ua', 'order-2', 7.5, t0 + 30)).toBe(true);
    // Too late for its window: not credited.
    expect(await store.purchase('ub', 'order-3', 50, t0 + WINDOW_MS + 1)).toBe(false);
    expect(await store.settleDue(t0 + WINDOW_MS - 1)).toEqual([]);
    const joined = await store.settleDue(t0 + WINDOW_MS);
    expect(joined.map((j) => [j.decisionId, j.action, j.reward]).sort()).toEqual([
      ['a', 'pct10', 20],
      ['b', 'none', 0],
    ]);
    expect(await store.settleDue(t0 + 10 * WINDOW_MS)).toEqual([]);
    expect(await store.pending()).toBe(0);
  });

  it("credits a purchase to the user's latest decision only", async () => {
    const t0 = Date.now();
    const base = {
      userId: 'uc',
      campaignId: 'c',
      propensity: 1,
      features: [0, 0],
      available: {},
      holdout: true,
      action: 'none',
    };
    await store.track({ ...base, decisionId: 'old', decidedAt: t0 });
    await store.track({ ...base, decisionId: 'new', decidedAt: t0 + 5 });
    await store.purchase('uc', 'order-4', 9, t0 + 10);
    const joined = await store.settleDue(t0 + 5 + WINDOW_MS);
    expect(Object.fromEntries(joined.map((j) => [j.decisionId, j.reward]))).toEqual({ old: 0, new: 9 });
  });

  it('prices an order at gross profit: paid total minus cost of goods minus the free shipping the shop bore', () => {
    const items = new Map([['i1', { itemId: 'i1', price: 100, marginRate: 0.3 }]]);
    const order = {
      orderId: 'o',
      currency: 'EUR',
      total: 90,
      lines: [
        { itemId: 'i1', quantity: 1, unitPrice: 90 },
        { itemId: 'i2', quantity: 2, unitPrice: 5 },
      ],
    };
    const plain = orderProfit({ ...order, total: 100 }, items, 0.5);
    expect(plain.grossProfit).toBeCloseTo(100 - 70 - 5, 10);
    expect(plain.revenueWithoutCost).toBe(10);
    expect(orderProfit(order, items, 0.5, { action: 'free_shipping', cost: 4.9 }).grossProfit).toBeCloseTo(
      90 - 70 - 5 - 4.9,
      10,
    );
    expect(orderProfit(order, items, 0.5, { action: 'pct10', cost: 10 }).grossProfit).toBeCloseTo(90 - 75, 10);
  });

  it('learns from joined decisions which users a discount pays for, and publishes only a bag of fits that off-policy evaluation accepts', async () => {
    const t0 = Date.now() - 10 * WINDOW_MS;
    const before = await store.appended();
    const logged = decisions(4_000, 3, t0);
    for (const { d, reward } of logged) {
      await store.track(d);
      if (reward > 0) await store.purchase(d.userId, `order-${d.decisionId}`, reward, t0 + 1);
    }
    const models = new ProfitModelStore(redis, 'layout-test');
    const loop = new LearningLoop(
      store,
      models,
      {
        settleMs: 60_000,
        refitMs: 60_000,
        minNewDecisions: 1_000,
        lockMs: 60_000,
        heldOutShare: 0.25,
        lambda: 1,
        offerLambda: 20,
        bags: 3,
        maxWeight: 20,
        caution: 1,
        minActionExamples: 100,
      },
      undefined,
      async (input) => refitProfitModel(input),
    );
    expect(await loop.settleOnce()).toBe(4_000);
    const r = await loop.refitOnce();
    expect(r.outcome).toBe('published');
    const model = models.current;
    if (!model) throw new Error('no model served after publication');
    // Published as a bag through Redis: every instance serves the average of the same three fits.
    const published = await models.published();
    expect(published?.model?.members).toHaveLength(3);
    // The fit's duration is published with the promotion figures, for operators sizing PROFIT_LOCK_MS.
    expect(published?.promotion['fitSeconds']).toBeGreaterThan(0);
    const gain = (x: number[]): number => {
      const p = model.predict(x, { none: 30, pct10: 20 });
      return (p['pct10']?.mean ?? 0) - (p['none']?.mean ?? 0);
    };
    // Truth: +0.6*20 - 0.2*30 = +6 for persuadables, 0.3*20 - 0.3*30 = -3 for the others.
    expect(gain([1, 0.5])).toBeGreaterThan(3);
    expect(gain([0, 0.5])).toBeLessThan(-1);
    // The attempt is on record with the figures it was promoted on, for GET /models.
    expect(await models.lastRefit()).toMatchObject({
      outcome: 'published',
      covered: before + 4_000,
      seq: published?.seq,
    });
    // Nothing new since: the next attempt does not refit.
    expect((await loop.refitOnce()).outcome).toBe('too_few_decisions');
  });

  it('keeps serving the model in use when a refit is refused, and records why', async () => {
    const models = new ProfitModelStore(redis, 'layout-test');
    await models.refresh();
    const serving = models.current?.version;
    expect(serving).toBeDefined();
    const t0 = Date.now() - 10 * WINDOW_MS;
    const before = await store.appended();
    for (const { d } of decisions(1_000, 4, t0)) await store.track(d);
    const interval = (value: number) => ({ value, se: 1, lower: value - 2, upper: value + 2 });
    const settings = { settleMs: 60_000, refitMs: 60_000, minNewDecisions: 1_000, lockMs: 60_000, heldOutShare: 0.25 };
    const loop = new LearningLoop(
      store,
      models,
      { ...settings, lambda: 1, offerLambda: 20, maxWeight: 20, caution: 1, minActionExamples: 100 },
      undefined,
      async ({ decisions: joined }) => ({
        promotion: {
          promote: false,
          reason: 'refused by the test',
          n: joined.length,
          candidate: interval(-4),
          current: interval(1),
          difference: interval(-5),
          overNone: interval(-4),
          currentOverNone: interval(1),
        },
        train: joined.length - 250,
        heldOut: 250,
      }),
    );
    expect(await loop.settleOnce()).toBe(1_000);
    expect((await loop.refitOnce()).outcome).toBe('not_better');
    expect(models.current?.version).toBe(serving);
    const last = await models.lastRefit();
    expect(last).toMatchObject({
      outcome: 'not_better',
      covered: before + 1_000,
      promotion: { reason: 'refused by the test' },
    });
    expect(last?.seq).toBeUndefined();
    expect(last?.promotion['overNone']).toEqual(interval(-4));
    expect(await models.attempted()).toBe(before + 1_000);
  });
});
