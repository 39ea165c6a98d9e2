import { shouldTrain } from './training-policy';

describe('training policy', () => {
  const policy = { intervalMs: 600_000, minNew: 1000, minEdges: 50 };
  const state = { now: 1_000_000, lastTrainedAt: 900_000, newInteractions: 10, edges: 500 };

  it('waits for the interval when only a few interactions are new', () => {
    expect(shouldTrain(state, policy)).toBe(false);
    expect(shouldTrain({ ...state, now: 1_500_000 }, policy)).toBe(true);
  });

  it('trains at once when enough new interactions arrived', () => {
    expect(shouldTrain({ ...state, newInteractions: 1000 }, policy)).toBe(true);
  });

  it('never trains on a graph that is too small or unchanged', () => {
    expect(shouldTrain({ ...state, edges: 10, newInteractions: 5000 }, policy)).toBe(false);
    expect(shouldTrain({ ...state, now: 9e9, newInteractions: 0 }, policy)).toBe(false);
  });
});
