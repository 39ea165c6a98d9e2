import { seededRandom } from '@offerstream/core';
import { kindCeiling, type KindLogLine } from './kind-ceiling';
import { TWO_KINDS as MARKET, twoKindShopper } from './testing/two-kinds';
import { SIM_ACTIONS } from './market.config';
import { buyProbability, incrementalProfits } from './truth';

/**
 * A log whose two kinds show their own number of session views (one or four) `signal` of the time (else the other's);
 * a share `offered` of its shoppers was shown an offer at random, the rest none, and bought as the truth says.
 */
function log(signal: number, offered = 0.5): KindLogLine[] {
  const random = seededRandom(5);
  return Array.from({ length: 4_000 }, (_, i) => {
    const { type, features, truth } = twoKindShopper(random, signal);
    const executed = random() < offered ? (SIM_ACTIONS[Math.floor(random() * SIM_ACTIONS.length)] as string) : 'none';
    const purchased = random() < buyProbability(truth, executed as (typeof SIM_ACTIONS)[number]);
    return {
      kind: 'no_offer',
      features,
      segment: type.name,
      simulation: { round: i < 2_000 ? 1 : 2, executed, purchased, trueIncremental: incrementalProfits(truth) },
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

  it('with responses counted from the log, nears it where the log offered enough and falls short where it did not', () => {
    const ample = kindCeiling(log(1, 0.5), MARKET, 1);
    expect(ample.estimated.share).toBeGreaterThan(0.95 * ample.share);
    const scarce = kindCeiling(log(1, 0.01), MARKET, 1);
    expect(scarce.estimated.share).toBeLessThan(0.8 * scarce.share);
  });
});
