import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitBehaviourSegments } from './logged-segments';

/** Three groups of three one-hot ranges: features [0..2], [3..5], [6..8]. */
const GROUPS = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
];

/**
 * One look, two kinds behind it: half buy half the time with 20% off, the other half 10% of the time; both 5% with no
 * offer. The logging policy offers to the first kind 80% of the time and to the second 20% (it knew something the
 * segments' behaviour does not show), and logs those propensities.
 */
function selectedLog(n: number, seed: number): LoggedDecision[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const answers = random() < 0.5;
    const propensity = answers ? 0.8 : 0.2;
    const offered = random() < propensity;
    const converted = random() < (offered ? (answers ? 0.5 : 0.1) : 0.05);
    const context = new Array<number>(9).fill(0);
    GROUPS.forEach((g) => (context[g[Math.floor(random() * 3)] as number] = 1));
    return {
      context,
      action: offered ? 'pct20' : 'none',
      propensity: offered ? propensity : 1 - propensity,
      reward: 0,
      converted,
    };
  });
}

/** The segments' purchase rate under 20% off, weighed by their shares. */
function offerRate(logged: readonly LoggedDecision[], maxWeight?: number): number {
  const { model } = fitBehaviourSegments(logged, GROUPS, {
    actions: ['none', 'pct20'],
    count: 2,
    ...(maxWeight !== undefined ? { maxWeight } : {}),
  });
  const index = model?.response?.actions?.indexOf('pct20') ?? -1;
  return (model?.shares ?? []).reduce((t, s, k) => t + s * (model?.response?.rates[k]?.[index] ?? 0), 0);
}

describe('segments fitted to logged responses', () => {
  const logged = selectedLog(8_000, 3);

  it('count each response once without a weight cap, so an offer rate is that of the shoppers it was shown to', () => {
    // 80% of the offers went to the kind that answers: 0.8 × 0.5 + 0.2 × 0.1 = 0.42.
    expect(offerRate(logged)).toBeGreaterThan(0.38);
  });

  it('weigh responses by their inverse propensity, so an offer rate is that of the whole segment', () => {
    // Half of each look answers: 0.5 × 0.5 + 0.5 × 0.1 = 0.30.
    expect(Math.abs(offerRate(logged, 20) - 0.3)).toBeLessThan(0.03);
  });

  it('keep each action’s weights at its number of shoppers, so the prior still weighs against real ones', () => {
    const { model } = fitBehaviourSegments(logged, GROUPS, { actions: ['none', 'pct20'], count: 2, maxWeight: 20 });
    const counted = (a: number): number => (model?.response?.counts ?? []).reduce((t, c) => t + (c[a] ?? 0), 0);
    const shown = (a: string): number => logged.filter((e) => e.action === a).length;
    expect(counted(0)).toBeCloseTo(shown('none'), 6);
    expect(counted(1)).toBeCloseTo(shown('pct20'), 6);
  });
});
