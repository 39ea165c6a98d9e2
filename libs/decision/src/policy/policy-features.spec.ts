import { POLICY_FEATURES, POLICY_INTERACTIONS, POLICY_RANGED_FEATURES, policyFeatures } from './policy-features';
import { PROPENSITY_FEATURES, type FeatureVector } from './propensity.model';

describe('the policy features’ interactions', () => {
  it('cross every range of session views with every range of past purchases, and nothing else', () => {
    const named = POLICY_INTERACTIONS.map(([a, b]) => `${POLICY_FEATURES[a]}×${POLICY_FEATURES[b]}`);
    const views = POLICY_FEATURES.filter((f) => f.startsWith('views:'));
    const purchases = POLICY_FEATURES.filter((f) => f.startsWith('purchases:'));
    expect(named).toHaveLength(views.length * purchases.length);
    expect(new Set(named)).toEqual(new Set(views.flatMap((v) => purchases.map((p) => `${v}×${p}`))));
  });
});

describe('the policy features’ price level', () => {
  const x = Object.fromEntries(PROPENSITY_FEATURES.map((f) => [f, 0])) as FeatureVector;
  const target = { items: ['i1'], price: 20, margin: 8, baseProbability: 0.1 };
  const at = POLICY_FEATURES.indexOf('priceLevel');

  it('reads the level a shopper browses and buys at from their price bands', () => {
    const v = policyFeatures(x, target, { userId: 'u1', priceBand: { median: 40, spread: 10 } });
    expect(v[at]).toBeCloseTo(Math.log1p(40), 9);
  });

  it('is 0 for a shopper with no price bands yet, like every other missing signal', () => {
    const v = policyFeatures(x, target, { userId: 'u2' });
    expect(v[at]).toBe(0);
    expect(v).toHaveLength(POLICY_FEATURES.length);
  });

  it('is cut into ranges at its own quantiles, beside the views, purchases and recency', () => {
    const names = POLICY_RANGED_FEATURES.map((r) => POLICY_FEATURES[r.feature]);
    expect(names).toEqual(['sessionViews', 'frequency', 'recency', 'priceLevel']);
    expect(POLICY_RANGED_FEATURES.find((r) => r.feature === at)?.ranges).toBeGreaterThanOrEqual(5);
  });
});
