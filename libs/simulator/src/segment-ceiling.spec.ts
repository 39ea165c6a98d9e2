import { seededRandom } from '@offerstream/core';
import { POLICY_FEATURES } from '@offerstream/decision';
import { kindCeiling } from './kind-ceiling';
import type { MarketConfig } from './market.config';
import type { SimulatedDecision } from './policy-replay';
import { segmentCeiling } from './segment-ceiling';
import { smallMarket } from './testing/small-market';
import { actionCost, buyProbability, incrementalProfits } from './truth';

/** Two kinds: one moved by 10% off only, one by free shipping only, half the shoppers each. */
const MARKET = smallMarket('two-kinds', [50, 50], 5, [
  { name: 'ten', share: 1, baseBuy: 0.1, oddsLift: { pct10: 4, pct20: 1, free_shipping: 1 } },
  { name: 'ship', share: 1, baseBuy: 0.1, oddsLift: { pct10: 1, pct20: 1, free_shipping: 4 } },
]);
const ACTIONS = ['none', 'pct10', 'pct20', 'free_shipping'] as const;

/**
 * A logged campaign of uniformly random actions whose two kinds show their own number of session views (one or four)
 * `signal` of the time (else the other's), with purchases drawn from the truth.
 */
function log(signal: number): SimulatedDecision[] {
  const random = seededRandom(11);
  return Array.from({ length: 6_000 }, (_, i) => {
    const kind = random() < 0.5 ? 0 : 1;
    const type = MARKET.userTypes[kind] as MarketConfig['userTypes'][number];
    const features = new Array<number>(POLICY_FEATURES.length).fill(0);
    features[POLICY_FEATURES.indexOf('logPrice')] = Math.log1p(50);
    features[POLICY_FEATURES.indexOf('marginRate')] = 0.5;
    features[POLICY_FEATURES.indexOf('sessionViews')] = Math.log1p((random() < signal ? kind : 1 - kind) === 0 ? 1 : 4);
    const truth = { type, price: 50, cost: 25, shippingCost: 5 };
    const action = ACTIONS[Math.floor(random() * ACTIONS.length)] ?? 'none';
    return {
      kind: action === 'none' ? 'no_offer' : 'offer',
      action,
      probability: 0.25,
      features,
      reward: 0,
      segment: type.name,
      candidates: ACTIONS.filter((a) => a !== 'none').map((a) => ({ action: a, cost: actionCost(truth, a) })),
      simulation: {
        round: i < 4_000 ? 1 : 2,
        purchased: random() < buyProbability(truth, action),
        trueIncremental: incrementalProfits(truth),
      },
    };
  });
}

describe('the segment ceiling', () => {
  it('reaches the kind ceiling when the served segments find the kinds', () => {
    const lines = log(1);
    const kinds = kindCeiling(lines, MARKET, 1);
    const segments = segmentCeiling(lines, MARKET, 1);
    expect(segments?.segments).toBe(2);
    expect(segments?.share).toBeGreaterThan(0.95 * kinds.share);
  });

  it('blurs as the kind ceiling does when behaviour tells the kinds apart four times in five', () => {
    const lines = log(0.8);
    const kinds = kindCeiling(lines, MARKET, 1);
    const segments = segmentCeiling(lines, MARKET, 1);
    expect(kinds.share).toBeLessThan(0.9);
    expect(segments?.share).toBeCloseTo(kinds.share, 2);
  });
});
