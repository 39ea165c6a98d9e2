import { SeededRandom } from '@offerstream/core';
import { fitLinearUplift, LinearUplift } from './linear-uplift';

/** Arm 1 lifts the log-odds by 1.2 * x0, arm 2 by a constant 0.5; x1 drives response in every arm; x2 is noise. */
function simulate(n: number, seed: number): { x: number[][]; action: number[]; y: number[] } {
  const rng = new SeededRandom(seed);
  const x: number[][] = [];
  const action: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rng.next() * 2 - 1, rng.next() * 2 - 1, rng.next()];
    const a = rng.int(3);
    const logit = -1 + 0.8 * (row[1] as number) + (a === 1 ? 1.2 * (row[0] as number) : 0) + (a === 2 ? 0.5 : 0);
    x.push(row);
    action.push(a);
    y.push(rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { x, action, y };
}

describe('fitLinearUplift', () => {
  const data = simulate(20000, 11);

  it('recovers the arm-specific slopes and intercept shifts', () => {
    const model = fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1 });
    // Margin differences between arms at the same x are the planted log-odds effects.
    const at = (x0: number, a: number): number => model.margin([x0, 0, 0.5], a) - model.margin([x0, 0, 0.5], 0);
    expect(at(1, 1) - at(-1, 1)).toBeGreaterThan(1.8); // true 2.4
    expect(at(1, 1) - at(-1, 1)).toBeLessThan(3.0);
    expect(Math.abs(at(1, 2) - at(-1, 2))).toBeLessThan(0.4); // true 0
    expect(at(0, 2)).toBeGreaterThan(0.3); // true 0.5
    expect(at(0, 2)).toBeLessThan(0.7);
    // x1 matters to every arm alike, so the shared slope carries it.
    for (const a of [0, 1, 2])
      expect(model.margin([0, 1, 0.5], a) - model.margin([0, -1, 0.5], a)).toBeGreaterThan(1.2);
  });

  it('shrinks the arm deviations toward the shared slope as lambdaArm grows', () => {
    const loose = fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1 });
    const tight = fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1e6 });
    const spread = (m: LinearUplift): number => {
      const slope = (a: number): number => m.margin([1, 0, 0.5], a) - m.margin([-1, 0, 0.5], a);
      return Math.abs(slope(1) - slope(0));
    };
    expect(spread(tight)).toBeLessThan(0.05);
    expect(spread(loose)).toBeGreaterThan(20 * spread(tight));
  });

  it('adds squared inputs by name, skips unknown names, and round-trips through JSON', () => {
    const rng = new SeededRandom(3);
    const x: number[][] = [];
    const action: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 15000; i++) {
      const v = rng.next() * 2 - 1;
      const a = rng.int(2);
      // Arm 1 works only at both ends of v: a curved effect a straight line cannot fit.
      const p = 0.2 + (a === 1 ? 0.3 * v * v : 0);
      x.push([v]);
      action.push(a);
      y.push(rng.next() < p ? 1 : 0);
    }
    const curved = fitLinearUplift(x, action, y, 2, { lambdaShared: 1, lambdaArm: 1, squared: ['v', 'missing'] }, [
      'v',
    ]);
    expect(curved.toJSON().squared).toEqual([0]);
    const uplift = (m: LinearUplift, v: number): number => m.predict([v], 1) - m.predict([v], 0);
    expect(uplift(curved, 0.95)).toBeGreaterThan(uplift(curved, 0) + 0.15);
    expect(uplift(curved, -0.95)).toBeGreaterThan(uplift(curved, 0) + 0.15);
    const restored = new LinearUplift(
      JSON.parse(JSON.stringify(curved.toJSON())) as ReturnType<LinearUplift['toJSON']>,
    );
    expect(restored.predict([0.3], 1)).toBe(curved.predict([0.3], 1));
  });

  it('fits only the given rows and rejects an arm without rows', () => {
    const firstHalf = Array.from({ length: 10000 }, (_, i) => i);
    const half = fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1 }, [], firstHalf);
    const full = fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1 });
    expect(half.margin([0.5, 0.5, 0.5], 1)).not.toBe(full.margin([0.5, 0.5, 0.5], 1));
    const onlyArm0 = data.action.map((a, i) => (a === 0 ? i : -1)).filter((i) => i >= 0);
    expect(() =>
      fitLinearUplift(data.x, data.action, data.y, 3, { lambdaShared: 1, lambdaArm: 1 }, [], onlyArm0),
    ).toThrow(/every action/);
  });

  it("in per-arm mode fits every arm on its own rows, so one arm's outcomes never move another arm's predictions", () => {
    const params = { lambdaShared: 1, lambdaArm: 1, perArm: true };
    const base = fitLinearUplift(data.x, data.action, data.y, 3, params);
    const flippedArm2 = data.y.map((y, i) => (data.action[i] === 2 ? 1 - y : y));
    const other = fitLinearUplift(data.x, data.action, flippedArm2, 3, params);
    const probe = [0.7, -0.4, 0.2];
    expect(other.margin(probe, 1)).toBeCloseTo(base.margin(probe, 1), 6);
    expect(other.margin(probe, 0)).toBeCloseTo(base.margin(probe, 0), 6);
    expect(Math.abs(other.margin(probe, 2) - base.margin(probe, 2))).toBeGreaterThan(0.5);
    // Arm 1's own slope on x0 (true 1.2 on top of none) is not shrunk toward the other arms.
    const slope = (a: number): number => base.margin([1, 0, 0.5], a) - base.margin([-1, 0, 0.5], a);
    expect(slope(1) - slope(0)).toBeGreaterThan(1.8);
  });
});
