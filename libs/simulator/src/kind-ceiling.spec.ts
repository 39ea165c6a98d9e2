import { seededRandom } from '@offerstream/core';
import { POLICY_FEATURES } from '@offerstream/decision';
import { kindCeiling, type KindLogLine } from './kind-ceiling';
import type { MarketConfig } from './market.config';
import { smallMarket } from './testing/small-market';
import { incrementalProfits } from './truth';

/** Two kinds: one moved by 10% off only, one by free shipping only, half the shoppers each. */
const MARKET = smallMarket('two-kinds', [50, 50], 5, [
  { name: 'ten', share: 1, baseBuy: 0.1, oddsLift: { pct10: 4, pct20: 1, free_shipping: 1 } },
  { name: 'ship', share: 1, baseBuy: 0.1, oddsLift: { pct10: 1, pct20: 1, free_shipping: 4 } },
]);

/** A log whose two kinds show their own number of session views (one or four) `signal` of the time (else the other's). */
function log(signal: number): KindLogLine[] {
  const random = seededRandom(5);
  const views = POLICY_FEATURES.indexOf('sessionViews');
  return Array.from({ length: 4_000 }, (_, i) => {
    const kind = random() < 0.5 ? 0 : 1;
    const type = MARKET.userTypes[kind] as MarketConfig['userTypes'][number];
    const features = new Array<number>(POLICY_FEATURES.length).fill(0);
    features[POLICY_FEATURES.indexOf('logPrice')] = Math.log1p(50);
    features[POLICY_FEATURES.indexOf('marginRate')] = 0.5;
    features[views] = Math.log1p((random() < signal ? kind : 1 - kind) === 0 ? 1 : 4);
    const trueIncremental = incrementalProfits({ type, price: 50, cost: 25, shippingCost: 5 });
    return {
      kind: 'no_offer',
      features,
      segment: type.name,
      simulation: { round: i < 2_000 ? 1 : 2, trueIncremental },
    };
  });
}

describe('the kind ceiling', () => {
  it('reaches the oracle where behaviour tells the kinds apart, and falls where it does not', () => {
    const apart = kindCeiling(log(1), MARKET, 1);
    expect(apart.share).toBeCloseTo(1, 6);
    const blurred = kindCeiling(log(0.75), MARKET, 1);
    expect(blurred.share).toBeLessThan(0.8);
    expect(blurred.share).toBeGreaterThan(0.3);
  });
});
