import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitConversionModel, predictProfits } from './conversion-model';

/**
 * Persuadables (x0 = 1) buy 10% of the time without an offer and 40% with 20% off; the others 30% either way. The
 * offer is logged with `offerShare` of the decisions, so with a small share the model knows it mostly by its prior.
 */
function log(n: number, offerShare: number, seed: number): LoggedDecision[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const persuadable = random() < 0.5 ? 1 : 0;
    const price = 20 + random() * 180;
    const action = random() < offerShare ? 'pct20' : 'none';
    const p = persuadable ? (action === 'pct20' ? 0.4 : 0.1) : 0.3;
    const values = { none: 0.4 * price, pct20: 0.2 * price };
    const converted = random() < p;
    return {
      context: [persuadable, Math.log(price), random()],
      action,
      propensity: action === 'pct20' ? offerShare : 1 - offerShare,
      reward: converted ? values[action] : 0,
      values,
      converted,
    };
  });
}

const price = 100;
const values = { none: 0.4 * price, pct20: 0.2 * price };
const options = { actions: ['none', 'pct20'], offerLambda: [1, 4, 16, 64] };

describe('the uncertainty of an offer’s gain over no offer', () => {
  it('counts no offer’s error once, so a thinly tried offer is not made to look less certain than it is', () => {
    const model = fitConversionModel(log(400, 0.05, 3), options);
    const r = predictProfits(model, [1, Math.log(price), 0.5], values);
    const [offer, none] = [r['pct20'], r['none']];
    expect(offer?.gainSd).toBeDefined();
    expect(offer?.gainSd ?? Infinity).toBeLessThan(Math.hypot(offer?.sd ?? 0, none?.sd ?? 0));
  });
});
