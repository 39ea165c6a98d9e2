import { seededRandom } from '@offerstream/core';
import { cellOffset, fitRangeOffsets, rangeOffset, type FittedDecision } from './range-offsets';

/** Two groups of two one-hot ranges: features [0, 1] and [2, 3]. */
const GROUPS = [
  [0, 1],
  [2, 3],
];

/** Decisions whose model says 20% everywhere; the truth is `truth(a, b, action)` for ranges a and b. */
function decisions(seed: number, n: number, truth: (a: number, b: number, action: string) => number): FittedDecision[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = random() < 0.5 ? 1 : 0;
    const b = random() < 0.5 ? 1 : 0;
    const action = random() < 0.5 ? 'pct10' : 'none';
    const context = [1 - a, a, 1 - b, b];
    return { context, action, converted: random() < truth(a, b, action), p: 0.2 };
  });
}

describe('range offsets', () => {
  it('correct the model on the combination of ranges it misjudges, and only there', () => {
    // Only shoppers in range 1 of both groups respond to the offer (60% instead of 20%).
    const log = decisions(11, 8_000, (a, b, action) => (a === 1 && b === 1 && action === 'pct10' ? 0.6 : 0.2));
    const model = fitRangeOffsets(log, GROUPS);
    expect(model).toBeDefined();
    const logit = (p: number): number => Math.log(p / (1 - p));
    const offset = rangeOffset(model, [0, 1, 0, 1], 'pct10');
    // The true offset is logit(0.6) − logit(0.2) = 1.79; one Newton step from the model's logit would say 2.5.
    const truth = logit(0.6) - logit(0.2);
    expect(offset).toBeGreaterThan(0.9 * truth);
    expect(offset).toBeLessThan(1.1 * truth);
    for (const x of [
      [1, 0, 1, 0],
      [1, 0, 0, 1],
      [0, 1, 1, 0],
    ])
      expect(Math.abs(rangeOffset(model, x, 'pct10'))).toBeLessThan(0.25);
    expect(Math.abs(rangeOffset(model, [0, 1, 0, 1], 'none'))).toBeLessThan(0.25);
  });

  it('fit each cell to the maximum of its penalized likelihood, not one step toward it', () => {
    // 100 decisions at a model P of 5% of which 40 bought: the unpenalized answer is logit(0.4) − logit(0.05).
    const etas = new Array<number>(100).fill(Math.log(0.05 / 0.95));
    const ys = Array.from({ length: 100 }, (_, i) => i < 40);
    const free = cellOffset(etas, ys, 1e-9);
    expect(free).toBeCloseTo(Math.log(0.4 / 0.6) - Math.log(0.05 / 0.95), 4);
    // One step would say 0.35 / 0.0475 = 7.4; a prior as strong as the data pulls the exact fit toward 0.
    const shrunk = cellOffset(etas, ys, 24);
    expect(shrunk).toBeGreaterThan(0);
    expect(shrunk).toBeLessThan(free);
  });

  it('add nothing that matters where the model is right', () => {
    const log = decisions(12, 8_000, () => 0.2);
    const model = fitRangeOffsets(log, GROUPS);
    const offsets = Object.values(model?.offsets ?? {}).flatMap((perAction) => Object.values(perAction));
    // Cross-validation keeps no offsets or only the strongest shrinkage: nothing moves a logit by more than noise.
    expect(offsets.every((o) => Math.abs(o) < 0.1)).toBe(true);
  });

  it('leave a context of a combination never fitted to the model', () => {
    const model = fitRangeOffsets(
      decisions(13, 4_000, (a, b) => (a === 1 && b === 1 ? 0.6 : 0.2)).filter((d) => d.context[1] === 1),
      GROUPS,
    );
    expect(rangeOffset(model, [1, 0, 1, 0], 'pct10')).toBe(0);
    expect(rangeOffset(undefined, [0, 1, 0, 1], 'pct10')).toBe(0);
  });
});
