import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitConversionModel, NO_POOLING, predictProfits } from './conversion-model';
import { conversionModelFromJSON } from './conversion-snapshot.codec';

/** Three groups of three one-hot ranges: features [0..2], [3..5], [6..8]. */
const GROUPS = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
];
const ACTIONS = ['none', 'pct10', 'free_shipping'];
const VALUES = { none: 30, pct10: 25, free_shipping: 25 };

/**
 * Two kinds who look alike apart from the third group (their own range 60% of the time) beside a strong style that
 * has nothing to do with offers: kind 0 buys 35% of the time with 10% off, kind 1 with free shipping, both 8%
 * otherwise. The one offer that pays differs by kind.
 */
function log(seed: number, size: number): LoggedDecision[] {
  const random = seededRandom(seed);
  const range = (own: number, p: number): number => (random() < p ? own : Math.floor(random() * 3));
  return Array.from({ length: size }, () => {
    const style = random() < 0.5 ? 0 : 1;
    const kind = random() < 0.5 ? 0 : 1;
    const context = new Array<number>(9).fill(0);
    context[range(style, 0.9)] = 1;
    context[3 + range(style, 0.9)] = 1;
    context[6 + range(kind, 0.6)] = 1;
    const action = ACTIONS[Math.floor(random() * 3)] as keyof typeof VALUES;
    const persuaded = (kind === 0 && action === 'pct10') || (kind === 1 && action === 'free_shipping');
    const converted = random() < (persuaded ? 0.35 : 0.08);
    return { context, action, propensity: 1 / 3, reward: converted ? VALUES[action] : 0, values: VALUES, converted };
  });
}

const typical = (style: number, kind: number): number[] =>
  [style, style, kind].flatMap((level) => [0, 1, 2].map((l) => (l === level ? 1 : 0)));
const opts = { actions: ACTIONS, offerLambda: 16, poolLambda: NO_POOLING, segmentGroups: GROUPS };
const best = (m: ReturnType<typeof fitConversionModel>, x: number[]): string => {
  const p = predictProfits(m, x, VALUES);
  return ACTIONS.reduce((a, b) => ((p[b]?.mean ?? 0) > (p[a]?.mean ?? 0) ? b : a));
};

describe('offer effects from segments fitted to responses', () => {
  it('give each kind of shopper the offer that moves it, where they look alike feature by feature', () => {
    const m = fitConversionModel(log(21, 9_000), { ...opts, segmentResponses: true });
    expect(m.segments?.response?.actions).toEqual(ACTIONS);
    for (const style of [0, 1]) {
      expect(best(m, typical(style, 0))).toBe('pct10');
      expect(best(m, typical(style, 1))).toBe('free_shipping');
    }
    // Its gain carries an uncertainty, which the policy's caution and exploration read.
    const gain = predictProfits(m, typical(0, 0), VALUES)['pct10'];
    expect(gain?.gainSd).toBeGreaterThan(0);
    expect(gain?.gainSd).toBeLessThan(3);
  });

  it('round-trip their rates through JSON and refuse rates that are not probabilities', () => {
    const m = fitConversionModel(log(22, 6_000), { ...opts, segmentResponses: true });
    const loaded = conversionModelFromJSON(JSON.stringify(m));
    const x = typical(1, 0);
    expect(predictProfits(loaded, x, VALUES)).toEqual(predictProfits(m, x, VALUES));
    const response = m.segments?.response;
    const broken = {
      ...m,
      segments: { ...m.segments, response: { ...response, rates: response?.rates.map((r) => r.map(() => 1.2)) } },
    };
    expect(() => conversionModelFromJSON(JSON.stringify(broken))).toThrow(/in \(0, 1\)/);
  });

  it("compare AIC's segment count with larger ones by held-out offer deviance, unless the count is fixed or none are given", () => {
    const data = log(23, 6_000);
    const kept = fitConversionModel(data, { ...opts, segmentResponses: true, segmentCounts: [] });
    const chosen = kept.segments?.shares.length ?? 0;
    expect(chosen).toBeGreaterThanOrEqual(2);
    expect(kept.segmentCountDeviance).toBeUndefined();
    const compared = fitConversionModel(data, { ...opts, segmentResponses: true, segmentCounts: [chosen + 3] });
    expect(Object.keys(compared.segmentCountDeviance ?? {}).sort()).toEqual(
      [String(chosen), String(chosen + 3)].sort(),
    );
    expect([chosen, chosen + 3]).toContain(compared.segments?.shares.length);
    const fixed = fitConversionModel(data, { ...opts, segmentResponses: true, segmentCount: 3 });
    expect(fixed.segments?.shares).toHaveLength(3);
    expect(fixed.segmentCountDeviance).toBeUndefined();
  });
});
