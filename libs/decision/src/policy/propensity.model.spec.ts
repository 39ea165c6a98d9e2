import { seededRandom } from '@offerstream/core';
import { fitInline, refitPropensity } from '../learning/propensity-refit';
import {
  DEFAULT_PROPENSITY,
  fitPropensity,
  fitSegmentLift,
  PROPENSITY_FEATURES,
  propensityFeatures,
  purchaseProbability,
  sigmoid,
  withSegmentLift,
  type FeatureVector,
} from './propensity.model';
import type { TrainingExample } from './propensity.store';

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

  it('adds nothing for a segment before a refit has learned its lift', () => {
    const item = { itemId: 'i' };
    const { x, present } = propensityFeatures({
      user: { userId: 'u', segment: 'c3' },
      item,
      blendScore: 0,
      inCart: false,
    });
    expect(x.segment).toBe(0);
    expect(present).not.toContain('segment');
    const learned = { ...DEFAULT_PROPENSITY, segmentLift: { c3: 0.7 } };
    const withLift = propensityFeatures(
      { user: { userId: 'u', segment: 'c3' }, item, blendScore: 0, inCart: false },
      learned,
    );
    expect(purchaseProbability(withLift.x, learned)).toBeCloseTo(sigmoid(DEFAULT_PROPENSITY.bias + 0.7), 9);
    expect(withLift.present).toContain('segment');
  });

  it('learns per-cluster lift from purchases the other features do not explain, shrinking small clusters', () => {
    const base = Object.fromEntries(PROPENSITY_FEATURES.map((f) => [f, 0])) as FeatureVector;
    const rnd = seededRandom(5);
    const rows = [
      // c1 buys at e^1 times the rate the bias predicts, c2 at the predicted rate, c9 is too small to judge.
      ...Array.from({ length: 4000 }, () => ({ x: base, segment: 'c1', label: rnd() < 0.02 * Math.E ? 1 : 0 })),
      ...Array.from({ length: 4000 }, () => ({ x: base, segment: 'c2', label: rnd() < 0.02 ? 1 : 0 })),
      ...Array.from({ length: 10 }, () => ({ x: base, segment: 'c9', label: 1 })),
    ];
    const w = { ...DEFAULT_PROPENSITY, bias: Math.log(0.02 / 0.98) };
    const lift = fitSegmentLift(rows, w);
    expect(lift['c1']).toBeGreaterThan(0.8);
    expect(lift['c1']).toBeLessThan(1.2);
    expect(Math.abs(lift['c2'] ?? NaN)).toBeLessThan(0.2);
    expect(lift['c9']).toBeUndefined();
  });

  it('publishes a refit that learned the lift of a cluster that buys more', async () => {
    const rnd = seededRandom(9);
    const examples: TrainingExample[] = Array.from({ length: 6000 }, (_, i) => {
      const features = Object.fromEntries(PROPENSITY_FEATURES.map((f) => [f, 0])) as FeatureVector;
      features.affinity = rnd();
      const segment = i % 2 === 0 ? 'c0' : 'c1';
      const z = -3 + 2 * features.affinity + (segment === 'c1' ? 1.2 : 0);
      return { offerId: `o${i}`, features, label: rnd() < sigmoid(z) ? 1 : 0, at: '', segment };
    });
    const r = await refitPropensity(
      examples,
      DEFAULT_PROPENSITY,
      { heldOutShare: 0.25, epochs: 300, prior: DEFAULT_PROPENSITY },
      fitInline,
    );
    const c0 = r.candidate.segmentLift['c0'] ?? NaN;
    const c1 = r.candidate.segmentLift['c1'] ?? NaN;
    expect(c1 - c0).toBeGreaterThan(0.8);
    expect(r.publish).toBe(true);
    // Scored with the lift of the example's cluster, whatever lift the logged row carried.
    const row = withSegmentLift({ ...(examples[1] as TrainingExample).features, segment: 5 }, 'c1', r.candidate);
    expect(row.segment * r.candidate.weights.segment).toBeCloseTo(c1, 9);
  });
});
