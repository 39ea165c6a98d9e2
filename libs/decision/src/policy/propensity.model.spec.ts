import {
  DEFAULT_PROPENSITY,
  fitPropensity,
  PROPENSITY_FEATURES,
  propensityFeatures,
  purchaseProbability,
  sigmoid,
  type FeatureVector,
} from './propensity.model';

describe('purchase propensity', () => {
  it('scores a cold-start visitor at the base rate with no signals claimed', () => {
    const { x, present } = propensityFeatures({ user: undefined, item: { itemId: 'i' }, blendScore: 0, inCart: false });
    expect(present).toEqual([]);
    expect(purchaseProbability(x)).toBeCloseTo(sigmoid(DEFAULT_PROPENSITY.bias), 9);
  });

  it('rises with affinity, engagement and a cart, and uses the signals it lists', () => {
    const item = { itemId: 'i', price: 40, categoryPath: ['shoes'], sentiment: 0.9 };
    const cold = purchaseProbability(propensityFeatures({ user: undefined, item, blendScore: 0.5, inCart: false }).x);
    const warm = propensityFeatures({
      user: {
        userId: 'u',
        categoryAffinity: { shoes: 1 },
        session: { views: 10, cartAdds: 1, searches: 2 },
        priceBand: { median: 40, spread: 10 },
      },
      item,
      blendScore: 0.5,
      inCart: true,
    });
    expect(purchaseProbability(warm.x)).toBeGreaterThan(cold * 5);
    expect(warm.present).toEqual(expect.arrayContaining(['affinity', 'session', 'priceFit', 'sentiment']));
  });

  it('refits towards planted weights from logged outcomes', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const rows: FeatureVector[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const x = Object.fromEntries(PROPENSITY_FEATURES.map((f) => [f, rnd()])) as FeatureVector;
      rows.push(x);
      labels.push(rnd() < sigmoid(-2 + 3 * x.affinity) ? 1 : 0);
    }
    const fitted = fitPropensity(rows, labels, DEFAULT_PROPENSITY, { epochs: 400, learningRate: 1 });
    expect(fitted.weights.affinity).toBeGreaterThan(fitted.weights.inCart);
    expect(fitted.weights.affinity).toBeGreaterThan(2);
  });
});
