import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitConversionModel, predictProfits } from './conversion-model';
import { offerPrecision, quantileEdges, withBaselineBins } from './offer-design';

/** Four kinds of user, seen only through noisy behaviour (each feature a coin whose bias depends on the kind). */
const persuaded = { share: 0.3, none: 0.1, offer: 0.4, signal: [0.7, 0.6, 0.3, 0.2] };
const kinds = [
  persuaded,
  { share: 0.2, none: 0.5, offer: 0.5, signal: [0.2, 0.8, 0.8, 0.3] }, // buys anyway
  { share: 0.3, none: 0.01, offer: 0.01, signal: [0.6, 0.1, 0.2, 0.7] }, // never buys
  { share: 0.2, none: 0.35, offer: 0.2, signal: [0.3, 0.5, 0.7, 0.6] }, // put off by offers
];
const values = { none: 40, pct20: 20 };

function log(n: number, seed: number): (LoggedDecision & { trueGain: number })[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    let u = random();
    const kind = kinds.find((k) => (u -= k.share) < 0) ?? persuaded;
    const context = kind.signal.map((p) => (random() < p ? 1 : 0));
    const action = random() < 0.1 ? 'pct20' : 'none';
    const converted = random() < (action === 'pct20' ? kind.offer : kind.none);
    return {
      context,
      action,
      propensity: action === 'pct20' ? 0.1 : 0.9,
      reward: converted ? values[action] : 0,
      values,
      converted,
      trueGain: kind.offer * 20 - kind.none * 40,
    };
  });
}

describe('baseline bins: an offer’s effect by how likely the user is to buy anyway', () => {
  it('place every edge between two distinct logits, so users who share a logit stay in one bin', () => {
    const logits = [-2, -2, -2, -2, -1, -1, -1, 0];
    const edges = quantileEdges(logits, 4);
    expect(edges).toEqual([-1.5, -0.5]);
    const design = { p: 1, baselineEdges: edges, weakShrinkage: 1 };
    expect(withBaselineBins([1], -2, design)).toEqual([1, 1, 0, 0]);
    expect(withBaselineBins([1], -1 + 1e-12, design)).toEqual([1, 0, 1, 0]);
    expect(withBaselineBins([1], -1 - 1e-12, design)).toEqual([1, 0, 1, 0]);
    expect(quantileEdges([3, 3, 3], 8)).toEqual([]);
  });

  it('let a policy find whom a thinly tried offer persuades when no single feature tells them apart', () => {
    // The value of offering (gain less one sd above 0), per user of fresh logs, summed over ten refits.
    const value = (options: { baselineBins: number; weakShrinkage: number }): number => {
      let total = 0;
      for (let i = 0; i < 10; i++) {
        const model = fitConversionModel(log(3_000, 100 + i), {
          actions: ['none', 'pct20'],
          offerLambda: [1, 4, 16, 64],
          ...options,
        });
        for (const t of log(1_000, 900 + i)) {
          const r = predictProfits(model, t.context, values);
          const [offer, none] = [r['pct20'], r['none']];
          if (offer && none && offer.mean - none.mean - (offer.gainSd ?? 0) > 0) total += t.trueGain;
        }
      }
      return total;
    };
    const binned = value({ baselineBins: 8, weakShrinkage: 0.1 });
    const plain = value({ baselineBins: 0, weakShrinkage: 1 });
    expect(binned).toBeGreaterThan(0);
    expect(binned).toBeGreaterThan(2 * Math.max(0, plain));
  });
});

describe('the offers’ prior precision', () => {
  it('puts the weak share on the intercept, the last weak features and the baseline bins, the full one elsewhere', () => {
    const design = { p: 5, baselineEdges: [0], weakShrinkage: 0.25, weakFeatures: 2 };
    expect(offerPrecision(design, 8)).toEqual([2, 8, 8, 2, 2, 2, 2]);
    expect(offerPrecision({ p: 5, baselineEdges: [], weakShrinkage: 1, weakFeatures: 2 }, 8)).toBe(8);
  });
});
