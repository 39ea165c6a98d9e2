import { seededRandom } from '@offerstream/core';
import { kindCeiling, type KindLogLine } from './kind-ceiling';
import { TWO_KINDS as MARKET, twoKindShopper } from './testing/two-kinds';
import { incrementalProfits } from './truth';

/** A log whose two kinds show their own number of session views (one or four) `signal` of the time (else the other's). */
function log(signal: number): KindLogLine[] {
  const random = seededRandom(5);
  return Array.from({ length: 4_000 }, (_, i) => {
    const { type, features, truth } = twoKindShopper(random, signal);
    return {
      kind: 'no_offer',
      features,
      segment: type.name,
      simulation: { round: i < 2_000 ? 1 : 2, trueIncremental: incrementalProfits(truth) },
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
