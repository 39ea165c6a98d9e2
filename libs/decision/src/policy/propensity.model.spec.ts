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

  it('ranks an item that resembles what the user touched above one that does not', () => {
    const user = { userId: 'u', vector: Float32Array.of(1, 0, 0) };
    const like = propensityFeatures({
      user,
      item: { itemId: 'a', vector: Float32Array.of(2, 0.1, 0) },
      blendScore: 0.5,
      inCart: false,
    });
    const unlike = propensityFeatures({
      user,
      item: { itemId: 'b', vector: Float32Array.of(0, 1, 0) },
      blendScore: 0.5,
      inCart: false,
    });
    expect(like.x.userSimilarity).toBeCloseTo(2 / Math.sqrt(4.01), 6);
    expect(unlike.x.userSimilarity).toBe(0);
    expect(like.present).toContain('userSimilarity');
    expect(purchaseProbability(like.x)).toBeGreaterThan(purchaseProbability(unlike.x));
    const noVector = propensityFeatures({
      user: { userId: 'u' },
      item: { itemId: 'a', vector: Float32Array.of(1, 0, 0) },
      blendScore: 0.5,
      inCart: false,
    });
    expect(noVector.present).not.toContain('userSimilarity');
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
