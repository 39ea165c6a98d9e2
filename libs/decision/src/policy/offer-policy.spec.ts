import { LinearThompsonBandit } from '@offerstream/uplift';
import { campaign, campaignCreate } from '../campaign/campaign.schema';
import { eligibleActions, type OfferTarget } from './offer-actions';
import { chooseOffer } from './offer-policy';

const camp = (extra: Record<string, unknown> = {}) =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1000, count: 100 }, ...extra }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });

const target: OfferTarget = { items: ['a', 'b'], price: 100, margin: 24, baseProbability: 0.05, companion: { itemId: 'b', price: 50, margin: 10 } };

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

describe('offer choice', () => {
  it('logs a probability that matches the bandit and scores incremental profit against no offer', () => {
    const bandit = new LinearThompsonBandit({ dimension: 2, seed: 3, explorationScale: 0.05 });
    const actions = eligibleActions(camp(), target, 'http_decision');
    const choice = chooseOffer(bandit, [0.1, 0.5], actions, target);
    expect(choice.probability).toBeGreaterThan(0);
    expect(choice.probability).toBeLessThanOrEqual(1);
    expect(choice.probabilities[choice.action.id]).toBe(choice.probability);
    expect(choice.profits['none']).toBeCloseTo(0, 9);
    const pNone = choice.purchaseProbability['none']!;
    const pA = choice.purchaseProbability[choice.action.id]!;
    expect(choice.uplift).toBeCloseTo(pA - pNone, 9);
  });

  it('learns to stop offering a discount that never converts', () => {
    const bandit = new LinearThompsonBandit({ dimension: 1, seed: 5, explorationScale: 0.05 });
    const t: OfferTarget = { items: ['a'], price: 100, margin: 40, baseProbability: 0.2 };
    const actions = eligibleActions(camp({ offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false } }), t, 'http_decision');
    const before = chooseOffer(bandit, [1], actions, t).probabilities['pct20']!;
    for (let i = 0; i < 300; i++) bandit.update([1], 'pct20', 0 - 0.28);
    for (let i = 0; i < 300; i++) bandit.update([1], 'none', 0.2 - 0.2);
    const after = chooseOffer(bandit, [1], actions, t).probabilities['pct20']!;
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.1);
  });
});
