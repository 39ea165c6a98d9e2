import type { JoinedDecision } from '../learning/decision-outcome.store';
import { conversionBySegment } from './segment-conversion';

let n = 0;
const decision = (
  segment: string | undefined,
  action: string,
  holdout: boolean,
  converted: boolean,
): JoinedDecision => ({
  decisionId: `d${n++}`,
  userId: `u${n}`,
  campaignId: 'c',
  action,
  propensity: 1,
  features: [],
  available: {},
  holdout,
  decidedAt: 0,
  reward: converted ? 10 : 0,
  converted,
  ...(segment !== undefined ? { segment } : {}),
});

describe('conversion per segment', () => {
  it('counts offers, holdout and no-offer decisions of each cluster and what converted', () => {
    const byCluster = conversionBySegment([
      decision('c1', 'pct10', false, true),
      decision('c1', 'pct10', false, false),
      decision('c1', 'none', true, true),
      decision('c1', 'none', false, false),
      decision('c2', 'none', true, false),
      decision(undefined, 'pct10', false, true),
    ]);
    expect(byCluster).toEqual({
      c1: {
        offered: { decisions: 2, converted: 1 },
        notOffered: { decisions: 2, converted: 1 },
        holdout: { decisions: 1, converted: 1 },
      },
      c2: {
        offered: { decisions: 0, converted: 0 },
        notOffered: { decisions: 1, converted: 0 },
        holdout: { decisions: 1, converted: 0 },
      },
    });
  });
});
