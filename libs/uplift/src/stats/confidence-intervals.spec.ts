import { normalQuantile, studentTQuantile } from './distributions';
import { proportionDifferenceInterval, summarize, welchInterval, wilsonInterval } from './confidence-intervals';

describe('distributions', () => {
  it('matches tabulated normal and Student t quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 4);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.95, 30)).toBeCloseTo(1.697261, 4);
  });
});

describe('confidence intervals', () => {
  it('computes the Wilson interval by the closed form (Newcombe 1998, 81/263)', () => {
    const w = wilsonInterval(81, 263);
    expect(w.estimate).toBeCloseTo(0.30798, 4);
    expect(w.lower).toBeCloseTo(0.2553, 4);
    expect(w.upper).toBeCloseTo(0.3662, 4);
  });

  it('keeps the Wilson interval inside [0, 1] with zero successes', () => {
    const w = wilsonInterval(0, 10);
    expect(w.lower).toBe(0);
    expect(w.upper).toBeCloseTo(0.2775, 4);
  });

  it("reproduces Newcombe's hybrid score interval for 56/70 minus 48/80", () => {
    const d = proportionDifferenceInterval(56, 70, 48, 80);
    expect(d.estimate).toBeCloseTo(0.2, 10);
    expect(d.lower).toBeCloseTo(0.0524, 4);
    expect(d.upper).toBeCloseTo(0.3339, 4);
  });

  it('gives the textbook Wald interval for a difference of proportions', () => {
    const d = proportionDifferenceInterval(56, 70, 48, 80, 0.95, 'wald');
    const se = Math.sqrt((0.8 * 0.2) / 70 + (0.6 * 0.4) / 80);
    expect(d.lower).toBeCloseTo(0.2 - 1.959964 * se, 5);
    expect(d.upper).toBeCloseTo(0.2 + 1.959964 * se, 5);
  });

  it('uses Welch-Satterthwaite degrees of freedom for a difference of means', () => {
    // v1 = 4/10 = 0.4, v2 = 9/15 = 0.6, se = 1, df = 1 / (0.16/9 + 0.36/14) = 22.993
    const w = welchInterval({ mean: 10, variance: 4, n: 10 }, { mean: 8, variance: 9, n: 15 });
    expect(w.df).toBeCloseTo(22.993, 2);
    expect(w.lower).toBeCloseTo(2 - 2.0687, 3);
    expect(w.upper).toBeCloseTo(2 + 2.0687, 3);
  });

  it('summarizes samples with the unbiased variance', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ mean: 2.5, variance: 5 / 3, n: 4 });
  });
});
