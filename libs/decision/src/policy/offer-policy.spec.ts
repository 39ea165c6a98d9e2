import { seededRandom } from '@offerstream/core';
import { campaign, campaignCreate } from '../campaign/campaign.schema';
import { eligibleActions, type OfferTarget } from './offer-actions';
import { chooseOffer, type ProfitModel } from './offer-policy';

const camp = (extra: Record<string, unknown> = {}) =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1000, count: 100 }, ...extra }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });

const target: OfferTarget = {
  items: ['a', 'b'],
  price: 100,
  margin: 24,
  baseProbability: 0.05,
  companion: { itemId: 'b', price: 50, margin: 10 },
};

describe('eligible offer actions', () => {
  it('offers none, discounts within the margin, free shipping, bundle and a plain recommendation', () => {
    const ids = eligibleActions(camp(), target, 'http_decision').map((a) => a.id);
    expect(ids).toEqual(['none', 'pct10', 'free_shipping', 'bundle', 'recommendation']);
  });

  it('never offers a discount deeper than the margin allows', () => {
    const thin = { ...target, margin: 8 };
    const actions = eligibleActions(camp({ offerTypes: { percentDiscounts: [5, 10, 30] } }), thin, 'http_decision');
    for (const a of actions) expect(a.cost).toBeLessThanOrEqual(8 * 0.8);
    expect(actions.map((a) => a.id)).toContain('pct5');
    expect(actions.map((a) => a.id)).not.toContain('pct10');
  });

  it('gives a negative reviewer only a service-recovery coupon, no upsell items', () => {
    const actions = eligibleActions(camp(), { ...target, items: [] }, 'service_recovery');
    expect(actions).toHaveLength(1);
    expect(actions[0]!.offerType).toBe('coupon');
    expect(actions[0]!.items).toEqual([]);
  });
});

describe('offer choice by incremental profit', () => {
  const settings = { exploration: 0, minActionExamples: 50, caution: 1 };
  const actions = eligibleActions(
    camp({ offerTypes: { bundle: false, recommendation: false } }),
    target,
    'offer_request',
  );
  const model = (means: Record<string, number>, n = 500, sd = 0.1): ProfitModel => ({
    version: 'test',
    predict: () => Object.fromEntries(Object.entries(means).map(([a, mean]) => [a, { mean, sd, n }])),
  });

  it('makes no offer without evidence, because the neutral prior charges every offer its discount', () => {
    const c = chooseOffer(undefined, [0], actions, target, settings, 0, seededRandom(1));
    expect(c.action.id).toBe('none');
    expect(c.probability).toBe(1);
    for (const a of actions)
      if (a.id !== 'none') expect(c.profits[a.id]).toBeCloseTo(-a.cost * target.baseProbability, 10);
  });

  it('picks the action whose learned gain over no offer is largest once it clears its uncertainty', () => {
    const c = chooseOffer(
      model({ none: 2, pct10: 4, free_shipping: 2.5 }),
      [0],
      actions,
      target,
      settings,
      0,
      seededRandom(1),
    );
    expect(c.action.id).toBe('pct10');
    expect(c.expectedIncrementalProfit).toBeCloseTo(2, 10);
    expect(c.learned['pct10']).toBe(true);
  });

  it('does not trust a gain smaller than its standard error, nor an action with too few joined decisions', () => {
    expect(
      chooseOffer(model({ none: 2, pct10: 2.1 }, 500, 0.5), [0], actions, target, settings, 0, seededRandom(1)).action
        .id,
    ).toBe('none');
    expect(
      chooseOffer(model({ none: 2, pct10: 9 }, 10), [0], actions, target, settings, 0, seededRandom(1)).action.id,
    ).toBe('none');
  });

  it('never makes an offer the greedy choice where it was hardly tried, but still explores it there', () => {
    // pct10 looks best, but the model has 20 of its 500 decisions near this shopper (support 20 < 50): extrapolated.
    const thin: ProfitModel = {
      version: 'test',
      predict: () => ({
        none: { mean: 2, sd: 0.1, n: 500, support: 500 },
        pct10: { mean: 9, sd: 0.1, n: 500, support: 20 },
        free_shipping: { mean: 3, sd: 0.1, n: 500, support: 400 },
      }),
    };
    const c = chooseOffer(thin, [0], actions, target, { ...settings, exploration: 0.3 }, 0, seededRandom(1));
    expect(c.greedy).toBe('free_shipping');
    expect(c.learned['pct10']).toBe(true);
    expect(c.probabilities['pct10']).toBeGreaterThan(0.05);
  });

  it('demands more profit per unit of cost as the shadow price of the budget rises', () => {
    const m = model({ none: 2, pct10: 4, free_shipping: 3.5 });
    expect(chooseOffer(m, [0], actions, target, settings, 0, seededRandom(1)).action.id).toBe('pct10');
    // pct10 costs 10, free shipping 4.9: at a price of 0.2 per unit the cheaper one earns more net.
    expect(chooseOffer(m, [0], actions, target, settings, 0.2, seededRandom(1)).action.id).toBe('free_shipping');
    expect(chooseOffer(m, [0], actions, target, settings, 1, seededRandom(1)).action.id).toBe('none');
  });

  it('charges every offer the price per offer made, whatever its cost, and reports the best gain before it', () => {
    const m = model({ none: 2, pct10: 4, free_shipping: 3.5 });
    // Gains net of one sd of caution (sd 0.1 each, independent): pct10 1.86, free shipping 1.36.
    const cheap = chooseOffer(m, [0], actions, target, settings, { perCost: 0, perOffer: 1.5 }, seededRandom(1));
    expect(cheap.action.id).toBe('pct10');
    expect(cheap.bestGain).toBeCloseTo(2 - Math.hypot(0.1, 0.1), 10);
    const dear = chooseOffer(m, [0], actions, target, settings, { perCost: 0, perOffer: 2 }, seededRandom(1));
    expect(dear.action.id).toBe('none');
    expect(dear.bestGain).toBeCloseTo(cheap.bestGain, 10);
  });

  it('explores an alternative by its chance of beating the greedy action: fully when unsure, never when sure', () => {
    // Gains over no offer: pct10 -8 (sure loss), free shipping +0.05 (as likely better as not), each with sd 0.14.
    const m = model({ none: 10, pct10: 2, free_shipping: 10.05 }, 500, 0.1);
    const c = chooseOffer(m, [0], actions, target, { ...settings, exploration: 0.3 }, 0, seededRandom(3));
    expect(c.greedy).toBe('none');
    expect(c.probabilities['pct10']).toBeLessThan(1e-9);
    expect(c.probabilities['free_shipping']).toBeCloseTo(0.3 / actions.length, 12);
    expect(c.probabilities['none']).toBeCloseTo(1 - 0.3 / actions.length - (c.probabilities['pct10'] ?? 0), 12);
  });

  it('gives an alternative one standard error behind the greedy action a third of its exploration share', () => {
    // pct10 is greedy (+2 over no offer); free shipping's gain is one combined standard error below it.
    const sd = 0.1;
    const m = model({ none: 0, pct10: 2, free_shipping: 2 - 2 * sd }, 500, sd);
    const c = chooseOffer(m, [0], actions, target, { ...settings, exploration: 0.3 }, 0, seededRandom(3));
    expect(c.greedy).toBe('pct10');
    // 2 x P(Z > 1) = 0.317 of the share 0.3 / 3.
    expect(c.probabilities['free_shipping']).toBeCloseTo((0.3 / actions.length) * 2 * 0.158655, 5);
    expect(c.probabilities['none']).toBeLessThan(1e-9);
  });

  it('keeps the exploration floor for an action the model is sure loses, and widens the comparison by the sd scale', () => {
    const m = model({ none: 10, pct10: 2, free_shipping: 10.05 }, 500, 0.1);
    const floored = { ...settings, exploration: 0.3, explorationFloor: 0.25 };
    const c = chooseOffer(m, [0], actions, target, floored, 0, seededRandom(3));
    expect(c.probabilities['pct10']).toBeCloseTo((0.3 / actions.length) * 0.25, 12);
    // Free shipping 0.2 behind pct10, their gains' sds combined 0.2: z = 1 plain, 0.5 when the sds count double.
    const close = model({ none: 0, pct10: 2, free_shipping: 1.8 }, 500, 0.1);
    const plain = chooseOffer(close, [0], actions, target, { ...settings, exploration: 0.3 }, 0, seededRandom(3));
    const wide = { ...settings, exploration: 0.3, explorationSdScale: 2 };
    const scaled = chooseOffer(close, [0], actions, target, wide, 0, seededRandom(3));
    expect(plain.probabilities['free_shipping']).toBeCloseTo((0.3 / actions.length) * 2 * 0.158655, 5);
    expect(scaled.probabilities['free_shipping']).toBeCloseTo((0.3 / actions.length) * 2 * 0.308538, 5);
  });

  it("spends the alternatives' exploration on the one that may be better when spending it by chance", () => {
    // pct10 a sure loss (-8), free shipping as likely better as not: by chance it gets all that a uniform draw would
    // give the two alternatives (0.3 x 2/3), per action a third of that.
    const m = model({ none: 10, pct10: 2, free_shipping: 10.05 }, 500, 0.1);
    const byChance = { ...settings, exploration: 0.3, explorationByChance: true };
    const c = chooseOffer(m, [0], actions, target, byChance, 0, seededRandom(3));
    expect(actions).toHaveLength(3);
    expect(c.probabilities['free_shipping']).toBeCloseTo(0.2, 6);
    expect(c.probabilities['none']).toBeCloseTo(0.8, 6);
    // With no evidence every action is as good a bet: a share of 1 is a uniform draw over all of them, the chosen
    // one too.
    const cold = chooseOffer(undefined, [0], actions, target, { ...byChance, exploration: 1 }, 0, seededRandom(3));
    for (const a of actions) expect(cold.probabilities[a.id]).toBeCloseTo(1 / actions.length, 12);
  });

  it('explores uniformly with the exact probability it logs', () => {
    const random = seededRandom(7);
    const counts: Record<string, number> = {};
    let logged: Readonly<Record<string, number>> = {};
    for (let i = 0; i < 20_000; i++) {
      const c = chooseOffer(undefined, [0], actions, target, { ...settings, exploration: 0.3 }, 0, random);
      counts[c.action.id] = (counts[c.action.id] ?? 0) + 1;
      logged = c.probabilities;
      expect(c.probability).toBe(c.probabilities[c.action.id]);
    }
    expect(Object.values(logged).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(logged['none']).toBeCloseTo(0.7 + 0.3 / actions.length, 12);
    for (const a of actions) expect((counts[a.id] ?? 0) / 20_000).toBeCloseTo(logged[a.id] as number, 1);
  });
});
