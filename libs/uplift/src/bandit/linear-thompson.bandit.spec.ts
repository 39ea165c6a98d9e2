import { SeededRandom } from '@offerstream/core';
import { LinearThompsonBandit, type SerializedLinearThompson } from './linear-thompson.bandit';
import { chooseByIncrementalProfit, expectedIncrementalProfit } from './incremental-profit';

const ACTIONS = ['discount10', 'freeShipping', 'none'];

/** Conversion probability: the best offer flips with the first context feature. */
function truth(context: readonly number[], action: string): number {
  const x = context[0] as number;
  if (action === 'discount10') return 0.1 + 0.3 * x;
  if (action === 'freeShipping') return 0.4 - 0.3 * x;
  return 0.15;
}

describe('LinearThompsonBandit', () => {
  it('logs probabilities that sum to one over the eligible actions, are positive and match the choice', () => {
    const bandit = new LinearThompsonBandit({ dimension: 2, seed: 3 });
    const rng = new SeededRandom(4);
    for (let t = 0; t < 300; t++) {
      const context = [rng.next(), rng.next()];
      const choice = bandit.choose(context, ACTIONS);
      const total = Object.values(choice.probabilities).reduce((s, p) => s + p, 0);
      expect(total).toBeCloseTo(1, 12);
      for (const p of Object.values(choice.probabilities)) expect(p).toBeGreaterThan(0);
      expect(choice.probability).toBe(choice.probabilities[choice.action]);
      bandit.update(context, choice.action, rng.next() < truth(context, choice.action) ? 1 : 0);
    }
  });

  it('draws actions with the frequencies it logs', () => {
    const bandit = new LinearThompsonBandit({ dimension: 1, seed: 5, draws: 400 });
    for (let t = 0; t < 50; t++) {
      bandit.update([0.5], 'discount10', t % 3 === 0 ? 1 : 0);
      bandit.update([0.5], 'freeShipping', t % 4 === 0 ? 1 : 0);
    }
    const counts: Record<string, number> = {};
    let expected: Record<string, number> = {};
    const n = 3000;
    for (let t = 0; t < n; t++) {
      const c = bandit.choose([0.5], ['discount10', 'freeShipping']);
      counts[c.action] = (counts[c.action] ?? 0) + 1;
      expected = c.probabilities;
    }
    // The logged probabilities are Monte-Carlo estimates, so compare loosely.
    const p = expected['discount10'] as number;
    expect(Math.abs((counts['discount10'] ?? 0) / n - p)).toBeLessThan(0.08);
  });

  it('converges to the best offer for each context in a simulation', () => {
    const bandit = new LinearThompsonBandit({ dimension: 1, seed: 9, explorationScale: 0.3 });
    const rng = new SeededRandom(10);
    let regretLate = 0;
    const horizon = 4000;
    for (let t = 0; t < horizon; t++) {
      const context = [rng.next()];
      const choice = bandit.choose(context, ACTIONS);
      const best = Math.max(...ACTIONS.map((a) => truth(context, a)));
      if (t >= horizon - 1000) regretLate += best - truth(context, choice.action);
      bandit.update(context, choice.action, rng.next() < truth(context, choice.action) ? 1 : 0);
    }
    const low = bandit.predict([0.05], ACTIONS);
    const high = bandit.predict([0.95], ACTIONS);
    expect(Object.entries(low).sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('freeShipping');
    expect(Object.entries(high).sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('discount10');
    // Uniform random play would lose about 0.12 per round; a converged policy only pays for epsilon and edges.
    expect(regretLate / 1000).toBeLessThan(0.03);
  });

  it('survives a JSON round trip with identical predictions and random stream', () => {
    const bandit = new LinearThompsonBandit({ dimension: 2, seed: 21 });
    const rng = new SeededRandom(22);
    for (let t = 0; t < 200; t++) {
      const context = [rng.next(), rng.next()];
      bandit.update(context, ACTIONS[t % 3] as string, rng.next());
    }
    const json = JSON.parse(JSON.stringify(bandit.toJSON())) as SerializedLinearThompson;
    const restored = LinearThompsonBandit.fromJSON(json);
    const context = [0.3, 0.7];
    const a = bandit.predict(context, ACTIONS);
    const b = restored.predict(context, ACTIONS);
    for (const action of ACTIONS) expect(b[action]).toBeCloseTo(a[action] as number, 9);
    const before = bandit.choose(context, ACTIONS);
    const after = restored.choose(context, ACTIONS);
    expect(after.action).toBe(before.action);
    expect(after.probabilities).toEqual(before.probabilities);
    for (const action of ACTIONS) expect(after.scores[action]).toBeCloseTo(before.scores[action] as number, 9);
    expect(restored.pulls('none')).toBe(bandit.pulls('none'));
  });

  it('applies the value function, so a cheap offer can beat a slightly better converting costly one', () => {
    const bandit = new LinearThompsonBandit({ dimension: 1, seed: 1, draws: 200, explorationScale: 0.01 });
    for (let t = 0; t < 500; t++) {
      bandit.update([1], 'costly', t % 10 < 3 ? 1 : 0);
      bandit.update([1], 'cheap', t % 10 < 2 ? 1 : 0);
    }
    const margin: Record<string, number> = { costly: 5, cheap: 10 };
    const choice = bandit.choose([1], ['costly', 'cheap'], (action, p) => p * (margin[action] as number));
    expect(choice.scores['cheap']).toBeGreaterThan(choice.scores['costly'] as number);
    expect(choice.probabilities['cheap']).toBeGreaterThan(0.9);
  });
});

describe('incremental profit', () => {
  it('subtracts the margin the customer would have brought anyway', () => {
    const profits = expectedIncrementalProfit({
      purchaseProbability: { none: 0.1, pct10: 0.14, pct20: 0.2 },
      controlAction: 'none',
      margin: 50,
      discountCost: { pct10: 5, pct20: 10 },
    });
    expect(profits['none']).toBeCloseTo(0, 12);
    expect(profits['pct10']).toBeCloseTo(0.14 * 45 - 0.1 * 50, 12); // 1.3
    expect(profits['pct20']).toBeCloseTo(0.2 * 40 - 0.1 * 50, 12); // 3.0
  });

  it('keeps the control when no offer pays for its discount', () => {
    const choice = chooseByIncrementalProfit({
      purchaseProbability: { none: 0.3, pct20: 0.32 },
      controlAction: 'none',
      margin: 20,
      discountCost: { pct20: 4 },
    });
    expect(choice.action).toBe('none');
    expect(choice.profits['pct20']).toBeLessThan(0);
  });
});
