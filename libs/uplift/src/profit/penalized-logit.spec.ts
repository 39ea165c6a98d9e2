import { fitLogit, sigmoid } from './penalized-logit';

describe('the penalized logistic fit', () => {
  it('converges from a prior far from the data instead of running away', () => {
    // Half of 100 rows buy; the weak prior starts the intercept at -10, where a full Newton step overshoots by 10^4.
    const rows = Array.from({ length: 100 }, () => [1]);
    const y = rows.map((_, i) => i % 2 === 0);
    const fit = fitLogit(rows, y, new Array<number>(100).fill(1), [-10], 0.01);
    expect(sigmoid(fit.coefficients[0] ?? Number.NaN)).toBeCloseTo(0.5, 2);
  });

  it('lands where the prior and the data balance', () => {
    // With a prior as strong as the data (lambda 100 on 100 rows) the intercept sits between 0 and the prior's 1.
    const rows = Array.from({ length: 100 }, () => [1]);
    const y = rows.map((_, i) => i % 2 === 0);
    const b = fitLogit(rows, y, new Array<number>(100).fill(1), [1], 100).coefficients[0] ?? Number.NaN;
    expect(b).toBeGreaterThan(0.1);
    expect(b).toBeLessThan(0.9);
  });
});
