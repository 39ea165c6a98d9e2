import { perfectQiniCurve, qiniAucScore, qiniCurve, upliftAtK } from './qini';

describe('qini', () => {
  // Rows in score order: (t, y) = (1,1) (0,0) (1,1) (0,1)
  const y = [1, 0, 1, 1];
  const t = [1, 0, 1, 0];
  const score = [0.9, 0.8, 0.7, 0.6];

  it('computes the Qini curve by hand: Y_t - Y_c * N_t / N_c, starting at zero', () => {
    const c = qiniCurve(y, score, t);
    expect(c.x).toEqual([0, 1, 2, 3, 4]);
    // k=1: 1 - 0 (no control yet) ; k=2: 1 - 0*1/1 ; k=3: 2 - 0*2/1 ; k=4: 2 - 1*2/2
    expect(c.y).toEqual([0, 1, 1, 2, 1]);
  });

  it('groups tied scores into one curve point', () => {
    const c = qiniCurve(y, [1, 1, 0, 0], t);
    expect(c.x).toEqual([0, 2, 4]);
    expect(c.y).toEqual([0, 1, 1]);
  });

  it('normalizes against the perfect curve: the perfect ordering scores 1, the reversed one below 0', () => {
    const perfectScore = y.map((v, i) => (t[i] === 1 ? v : -v));
    expect(qiniAucScore(y, perfectScore, t)).toBeCloseTo(1, 12);
    expect(
      qiniAucScore(
        y,
        perfectScore.map((s) => -s),
        t,
      ),
    ).toBeLessThan(0);
    // Hand: model area = 0.5+1+1.5+1.5 = 4.5, random = 4*1/2 = 2; perfect curve (1,1)(1,1)(0,0)(0,1): the two treated
    // responders tie: points (0,0) (2,2) (3,2) (4,1) -> area 2+2+1.5 = 5.5. (4.5 - 2) / (5.5 - 2) = 0.714285...
    expect(perfectQiniCurve(y, t)).toEqual({ x: [0, 2, 3, 4], y: [0, 2, 2, 1] });
    expect(qiniAucScore(y, score, t)).toBeCloseTo(2.5 / 3.5, 12);
  });

  it('measures uplift within the top fraction', () => {
    // Top half: treated (1), control (0) -> 1 - 0
    expect(upliftAtK(y, score, t, 0.5)).toBe(1);
    expect(upliftAtK(y, score, t, 1)).toBe(1 - 0.5);
  });
});
