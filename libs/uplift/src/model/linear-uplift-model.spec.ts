import { SeededRandom } from '@offerstream/core';
import { LinearUpliftModel, PER_ARM_LINEAR_PARAMS, trainLinearUpliftModel } from './linear-uplift-model';

describe('LinearUpliftModel', () => {
  const rng = new SeededRandom(5);
  const x: number[][] = [];
  const action: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 6000; i++) {
    const row = [rng.next(), rng.next()];
    const a = rng.int(2);
    x.push(row);
    action.push(a);
    y.push(rng.next() < 0.1 + (a === 1 ? 0.3 * (row[0] as number) : 0) ? 1 : 0);
  }
  const model = trainLinearUpliftModel(
    { x, action, y },
    {
      actions: ['none', 'mail'],
      controlAction: 'none',
      featureNames: ['f0', 'f1'],
      target: 'visit',
      params: PER_ARM_LINEAR_PARAMS,
    },
  );

  it('reports uplift as the treated response minus the control response', () => {
    const r = model.predictResponse([0.9, 0.5]);
    const u = model.predictUplift([0.9, 0.5]);
    expect(u['mail']).toBeCloseTo((r['mail'] as number) - (r['none'] as number), 12);
    expect(u['none']).toBeUndefined();
    expect(u['mail']).toBeGreaterThan((model.predictUplift([0.1, 0.5])['mail'] as number) + 0.15);
  });

  it('round-trips through JSON and rejects a vector of another layout', () => {
    const restored = new LinearUpliftModel(
      JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<LinearUpliftModel['toJSON']>,
    );
    expect(restored.predictUplift([0.4, 0.2])).toEqual(model.predictUplift([0.4, 0.2]));
    expect(() => model.predictUplift([0.4])).toThrow(/expects 2/);
  });
});
