import { intervalCovers, reportEstimate, scoreRequests, sumScores, type ScoredRequest } from './scoreboard';

const req = (
  pct10: number,
  pct20: number,
  free_shipping: number,
  executed: ScoredRequest['executed'],
): ScoredRequest => ({
  incremental: { pct10, pct20, free_shipping },
  executed,
});

describe('scoreboard of one round', () => {
  const requests = [req(3, 6, -1, 'pct20'), req(-2, -4, 1, 'none'), req(-5, -9, -3, 'pct10'), req(0, 0, 2, 'none')];
  const s = scoreRequests(requests);

  it('credits the live policy with the true incremental profit of what it executed, nothing for no offer', () => {
    expect(s.offers).toBe(2);
    expect(s.live).toBe(6 - 5);
    expect(s.noOffers).toBe(0);
  });

  it('sums each action given to every request', () => {
    expect(s.offersToAll).toEqual({ pct10: -4, pct20: -7, free_shipping: -1 });
  });

  it('values random at the same count as that many offers at the mean of every request-action pair', () => {
    // 12 pairs summing to -12: mean -1, two offers
    expect(s.randomSameCount).toBeCloseTo(-2, 12);
  });

  it('gives the oracle the best action on the requests where it earns most, never a losing offer', () => {
    // best per request: 6, 1, 0 (no offer beats -3), 2 -> top two: 6 + 2
    expect(s.oracleSameCount).toBe(8);
    expect(scoreRequests([req(-1, -2, -3, 'pct10')]).oracleSameCount).toBe(0);
  });

  it('gives the requests offered to their best action, no offer where every offer loses', () => {
    // offered: the first (best 6, got 6 at 20% off) and the third (every offer loses: best is no offer, 0)
    expect(s.bestActionSameRequests).toBe(6);
  });

  it('adds rounds up with random and oracle kept at each round own count', () => {
    const total = sumScores([s, scoreRequests([req(1, 1, 1, 'pct10')])]);
    expect(total).toMatchObject({
      requests: 5,
      offers: 3,
      live: 2,
      oracleSameCount: 9,
      randomSameCount: -1,
      bestActionSameRequests: 7,
    });
  });
});

describe('campaign report estimate', () => {
  it('reads the gross-profit interval when the report has one', () => {
    const r = reportEstimate({
      incrementalGrossProfit: { estimate: 120, lower: 40, upper: 200 },
      incrementalProfitEstimate: 999,
    });
    expect(r).toEqual({ field: 'incrementalGrossProfit', estimate: 120, lower: 40, upper: 200 });
    expect(intervalCovers(r, 150)).toBe(true);
    expect(intervalCovers(r, 201)).toBe(false);
  });

  it('falls back to the point estimate and says coverage is unknown without an interval', () => {
    const r = reportEstimate({ incrementalProfitEstimate: 80 });
    expect(r).toEqual({ field: 'incrementalProfitEstimate', estimate: 80, lower: null, upper: null });
    expect(intervalCovers(r, 80)).toBeNull();
    expect(reportEstimate({})).toBeNull();
  });
});
