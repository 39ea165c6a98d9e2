import { addDecayed, bayesianMean, decayFactor, topScores, type DecayedScores } from './sentiment-aggregate';

const HOUR = 3_600_000;

describe('sentiment aggregate math', () => {
  it('returns the prior mean for an item without reviews', () => {
    expect(bayesianMean(0, 0, 0.5, 5)).toBe(0.5);
    expect(bayesianMean(0, 0, 0.7, 0)).toBe(0.7);
  });

  it('shrinks a single glowing review towards the prior and lets many reviews dominate it', () => {
    const one = bayesianMean(1, 1, 0.5, 5);
    expect(one).toBeCloseTo((0.5 * 5 + 1) / 6, 12);
    const many = bayesianMean(0.95 * 1000, 1000, 0.5, 5);
    expect(many).toBeGreaterThan(0.94);
    // A well-reviewed item ranks above an item with one perfect review.
    expect(many).toBeGreaterThan(one);
  });

  it('equals the plain mean when the prior has no weight', () => {
    expect(bayesianMean(2.4, 3, 0.5, 0)).toBeCloseTo(0.8, 12);
  });

  it('halves a weight after one half-life and never grows it for negative time', () => {
    expect(decayFactor(0, HOUR)).toBe(1);
    expect(decayFactor(HOUR, HOUR)).toBeCloseTo(0.5, 12);
    expect(decayFactor(3 * HOUR, HOUR)).toBeCloseTo(0.125, 12);
    expect(decayFactor(-HOUR, HOUR)).toBe(1);
  });

  it('decays held intent scores forward to a newer observation', () => {
    let s: DecayedScores = { scores: new Map(), at: 0 };
    s = addDecayed(s, 10 * HOUR, { phone: 0.8 }, HOUR);
    s = addDecayed(s, 11 * HOUR, { phone: 0.2, book: 0.6 }, HOUR);
    expect(s.at).toBe(11 * HOUR);
    expect(s.scores.get('phone')).toBeCloseTo(0.8 * 0.5 + 0.2, 12);
    expect(s.scores.get('book')).toBeCloseTo(0.6, 12);
  });

  it('gives the same scores whatever order the observations arrive in', () => {
    const obs: [number, Record<string, number>][] = [
      [5 * HOUR, { phone: 0.9 }],
      [7 * HOUR, { book: 0.5, phone: 0.1 }],
      [6 * HOUR, { hotel: 0.7 }],
    ];
    const run = (order: number[]): DecayedScores =>
      order.reduce<DecayedScores>((s, i) => addDecayed(s, obs[i]![0], obs[i]![1], 2 * HOUR), {
        scores: new Map(),
        at: 0,
      });
    const a = run([0, 1, 2]);
    const b = run([2, 0, 1]);
    expect(a.at).toBe(b.at);
    for (const k of ['phone', 'book', 'hotel']) expect(a.scores.get(k)).toBeCloseTo(b.scores.get(k)!, 12);
  });

  it('keeps only the highest scores, later names winning ties like the Redis sorted set', () => {
    const top = topScores(
      new Map([
        ['a', 1],
        ['b', 3],
        ['c', 1],
        ['d', 2],
      ]),
      3,
    );
    expect(top).toEqual([
      ['b', 3],
      ['d', 2],
      ['c', 1],
    ]);
  });
});
