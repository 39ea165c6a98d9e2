import { ValidationError } from '@offerstream/core';
import { Market } from './market';
import { DEFAULT_MARKET } from './market.config';
import { coverageRequests, reportCoverage, type CoverageRequest } from './report-coverage';
import { incrementalProfits } from './truth';

/** Log lines as `npm run simulate -- --out` writes them, for two rounds of a market: every 10th shopper held out. */
function logOf(seed: number, perRound: number, offer: (i: number) => 'pct10' | 'free_shipping' | 'none') {
  const tag = 'simtest';
  const market = new Market(DEFAULT_MARKET, seed, tag);
  return [1, 2].flatMap((round) =>
    market.sessions(round, perRound).map((s, i) => ({
      kind: i % 10 === 0 ? 'holdout' : 'offer',
      campaignId: tag,
      trigger: { kind: 'offer_request', id: `offer_request:${tag}-r${round}-q${i}` },
      simulation: {
        executed: i % 10 === 0 ? 'none' : offer(i),
        trueIncremental: incrementalProfits(market.truthCase(s)),
      },
    })),
  );
}

describe('report coverage on a simulated run', () => {
  it('rebuilds each logged shopper and finds the logged truth', () => {
    const requests = coverageRequests(
      logOf(7, 50, () => 'pct10'),
      DEFAULT_MARKET,
      7,
      50,
    );
    expect(requests).toHaveLength(100);
    expect(requests.filter((r) => r.holdout)).toHaveLength(10);
    for (const r of requests.filter((q) => q.holdout)) expect(r.incremental).toBe(0);
    expect(requests.some((r) => !r.holdout && r.incremental !== 0)).toBe(true);
  });

  it('refuses a log whose seed does not rebuild its truth', () => {
    expect(() =>
      coverageRequests(
        logOf(7, 50, () => 'pct10'),
        DEFAULT_MARKET,
        8,
        50,
      ),
    ).toThrow(ValidationError);
  });

  it('refuses lines that are not simulated decisions', () => {
    expect(() => coverageRequests([{ campaignId: 'x', trigger: { id: 'nope' } }], DEFAULT_MARKET, 1, 10)).toThrow(
      /not a simulated decision/,
    );
  });

  it('covers the truth about 95% of the time with a fresh holdout, as a right interval does', () => {
    const requests: CoverageRequest[] = Array.from({ length: 4_000 }, (_, i) => {
      const persuadable = i % 3 === 0;
      const price = 20 + (i % 50);
      const pNone = persuadable ? 0.1 : 0.4;
      const pAction = persuadable ? 0.3 : 0.42;
      const profitNone = price * 0.4;
      const profitAction = profitNone - price * 0.1;
      return {
        holdout: false,
        pAction,
        profitAction,
        pNone,
        profitNone,
        incremental: pAction * profitAction - pNone * profitNone,
      };
    });
    const { freshHoldout } = reportCoverage(requests, { reps: 600, holdout: 0.1, seed: 3 });
    // 600 draws: a binomial sd of 0.9 points around 95%.
    expect(freshHoldout.covered / freshHoldout.reps).toBeGreaterThan(0.92);
    expect(freshHoldout.covered / freshHoldout.reps).toBeLessThan(0.98);
    expect(Math.abs(freshHoldout.zMean)).toBeLessThan(0.15);
    expect(freshHoldout.zSd).toBeGreaterThan(0.9);
    expect(freshHoldout.zSd).toBeLessThan(1.1);
  });
});
