import { seededRandom } from '@offerstream/core';
import { kindCeiling } from './kind-ceiling';
import type { SimulatedDecision } from './policy-replay';
import { segmentCeiling } from './segment-ceiling';
import { TWO_KINDS as MARKET, twoKindShopper } from './testing/two-kinds';
import { actionCost, buyProbability, incrementalProfits } from './truth';

const ACTIONS = ['none', 'pct10', 'pct20', 'free_shipping'] as const;

/**
 * A logged campaign of uniformly random actions whose two kinds show their own number of session views (one or four)
 * `signal` of the time (else the other's), with purchases drawn from the truth.
 */
function log(signal: number): SimulatedDecision[] {
  const random = seededRandom(11);
  return Array.from({ length: 6_000 }, (_, i) => {
    const { type, features, truth } = twoKindShopper(random, signal);
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
    // Their responses counted from the log: as far from the truth as the kinds' counted responses, no further.
    expect(segments?.estimated.share).toBeCloseTo(kinds.estimated.share, 1);
  });

  it('blurs as the kind ceiling does when behaviour tells the kinds apart four times in five', () => {
    const lines = log(0.8);
    const kinds = kindCeiling(lines, MARKET, 1);
    const segments = segmentCeiling(lines, MARKET, 1);
    expect(kinds.share).toBeLessThan(0.9);
    expect(segments?.share).toBeCloseTo(kinds.share, 2);
  });
});
