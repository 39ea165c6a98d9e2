import { POLICY_FEATURES, POLICY_INTERACTIONS } from './policy-features';

describe('the policy features’ interactions', () => {
  it('cross every range of session views with every range of past purchases, and nothing else', () => {
    const named = POLICY_INTERACTIONS.map(([a, b]) => `${POLICY_FEATURES[a]}×${POLICY_FEATURES[b]}`);
    const views = POLICY_FEATURES.filter((f) => f.startsWith('views:'));
    const purchases = POLICY_FEATURES.filter((f) => f.startsWith('purchases:'));
    expect(named).toHaveLength(views.length * purchases.length);
    expect(new Set(named)).toEqual(new Set(views.flatMap((v) => purchases.map((p) => `${v}×${p}`))));
  });
});
