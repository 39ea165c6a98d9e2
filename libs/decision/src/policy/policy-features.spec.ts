import {
  POLICY_FEATURES,
  POLICY_INTERACTIONS,
  POLICY_RANGED_FEATURES,
  POLICY_SEGMENT_COUNT_GROUPS,
  policyFeatures,
} from './policy-features';
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

  it('reaches the segments as items per price band, counted, not as ranges of its mean', () => {
    const names = POLICY_RANGED_FEATURES.map((r) => POLICY_FEATURES[r.feature]);
    expect(names).toEqual(['sessionViews', 'frequency', 'recency']);
    const [bands] = POLICY_SEGMENT_COUNT_GROUPS;
    expect(bands?.map((j) => POLICY_FEATURES[j])).toEqual(Array.from({ length: 8 }, (_, i) => `priceBand:${i}`));
    const v = policyFeatures(x, target, { userId: 'u3', priceBandItems: [0, 2, 5, 0, 0, 0, 1, 3] });
    expect(bands?.map((j) => v[j])).toEqual([0, 2, 5, 0, 0, 0, 1, 3]);
  });

  it('folds bands past the last slot into it, so a store with more bands still fits', () => {
    const [bands] = POLICY_SEGMENT_COUNT_GROUPS;
    const v = policyFeatures(x, target, { userId: 'u4', priceBandItems: [1, 0, 0, 0, 0, 0, 0, 2, 4] });
    expect(bands?.map((j) => v[j])).toEqual([1, 0, 0, 0, 0, 0, 0, 6]);
  });
});
