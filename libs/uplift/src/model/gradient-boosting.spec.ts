import { SeededRandom } from '@offerstream/core';
import { averageBoostedTrees, BoostedTrees, fitBoostedTrees, type SerializedBoostedModel } from './gradient-boosting';

function data(n: number, seed: number): { x: number[][]; y: number[]; p: number[] } {
  const rng = new SeededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rng.next(), rng.int(3), rng.next()];
    const prob = row[0]! > 0.5 ? (row[1] === 2 ? 0.8 : 0.4) : 0.1;
    x.push(row);
    p.push(prob);
    y.push(rng.next() < prob ? 1 : 0);
  }
  return { x, y, p };
}

describe('fitBoostedTrees', () => {
  it('recovers a step-shaped probability with an interaction', () => {
    const train = data(4000, 1);
    const test = data(2000, 2);
    const { model } = fitBoostedTrees(train, { maxTrees: 150, learningRate: 0.1, maxDepth: 2 });
    let err = 0;
    test.x.forEach((row, i) => {
      err += Math.abs(model.predict(row) - (test.p[i] as number));
    });
    expect(err / test.x.length).toBeLessThan(0.04);
  });

  it('stops early on validation loss and keeps the best prefix', () => {
    const fit = fitBoostedTrees(
      data(1500, 3),
      { maxTrees: 400, learningRate: 0.3, maxDepth: 3, minChildWeight: 1, lambda: 0 },
      data(1500, 4),
      30,
    );
    expect(fit.bestTrees).toBeLessThan(400);
    expect(fit.model.trees).toHaveLength(fit.bestTrees);
    expect(fit.validationLoss.length).toBeLessThanOrEqual(fit.bestTrees + 30);
    expect(Math.min(...fit.validationLoss)).toBeLessThan(fit.initialValidationLoss);
  });

  it('fits a squared-loss regression on top of given starting margins', () => {
    const rng = new SeededRandom(5);
    const x = Array.from({ length: 2000 }, () => [rng.next()]);
    const init = x.map((r) => 3 * (r[0] as number));
    const y = x.map((r) => 3 * (r[0] as number) + ((r[0] as number) > 0.5 ? 1 : 0));
    const { model } = fitBoostedTrees(
      { x, y, initMargin: init },
      { loss: 'squared', maxTrees: 100, learningRate: 0.2, lambda: 0, minChildWeight: 5 },
    );
    expect(model.base).toBe(0);
    expect(model.margin([0.9])).toBeCloseTo(1, 1);
    expect(model.margin([0.1])).toBeCloseTo(0, 1);
  });

  it('predicts identically after a JSON round trip', () => {
    const train = data(1000, 6);
    const { model } = fitBoostedTrees(train, { maxTrees: 20 });
    const restored = BoostedTrees.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as SerializedBoostedModel);
    for (const row of train.x.slice(0, 50)) expect(restored.predict(row)).toBe(model.predict(row));
  });

  it('averages ensembles into one whose margin is the weighted mean of their margins', () => {
    const a = fitBoostedTrees(data(800, 7), { maxTrees: 15, seed: 1 }).model;
    const b = fitBoostedTrees(data(800, 8), { maxTrees: 25, seed: 2 }).model;
    const mean = averageBoostedTrees([a, b]);
    const skewed = averageBoostedTrees([a, b], [0.25, 0.75]);
    expect(mean.trees).toHaveLength(40);
    for (const row of data(30, 9).x) {
      expect(mean.margin(row)).toBeCloseTo((a.margin(row) + b.margin(row)) / 2, 10);
      expect(skewed.margin(row)).toBeCloseTo(0.25 * a.margin(row) + 0.75 * b.margin(row), 10);
    }
    expect(() => averageBoostedTrees([])).toThrow(/zero models/);
  });
});
