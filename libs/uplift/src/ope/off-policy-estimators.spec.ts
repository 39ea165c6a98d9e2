import { SeededRandom } from '@offerstream/core';
import {
  doublyRobustEstimate,
  ipsEstimate,
  snipsEstimate,
  type LoggedDecision,
  type TargetPolicy,
} from './off-policy-estimators';

const ACTIONS = ['a', 'b', 'c'];

/** Reward probability of each action in a one-feature context; the best action changes with the context. */
function rewardProbability(x: number, action: string): number {
  if (action === 'a') return 0.2 + 0.3 * x;
  if (action === 'b') return 0.5 - 0.3 * x;
  return 0.3;
}

/** A non-uniform logging policy that depends on the context, as a deployed bandit would. */
function loggingPolicy(x: number): Record<string, number> {
  return { a: 0.1 + 0.5 * x, b: 0.6 - 0.5 * x, c: 0.3 };
}

function simulateLogs(n: number, rng: SeededRandom): LoggedDecision[] {
  return Array.from({ length: n }, () => {
    const x = rng.next();
    const p = loggingPolicy(x);
    const u = rng.next();
    const action = u < (p['a'] as number) ? 'a' : u < (p['a'] as number) + (p['b'] as number) ? 'b' : 'c';
    const reward = rng.next() < rewardProbability(x, action) ? 1 : 0;
    return { context: [x], action, propensity: p[action] as number, reward };
  });
}

// Deterministic target: a when x > 0.5, else b. True value = E[max-ish] computed analytically:
// int_0^0.5 (0.5 - 0.3x) dx + int_0.5^1 (0.2 + 0.3x) dx = 0.2125 + 0.2125 = 0.425.
const target: TargetPolicy = (context): Record<string, number> => ((context[0] as number) > 0.5 ? { a: 1 } : { b: 1 });
const TRUE_VALUE = 0.425;

describe('off-policy estimators', () => {
  it('IPS is unbiased for a deterministic target policy under a context-dependent logging policy', () => {
    const rng = new SeededRandom(11);
    const estimates: number[] = [];
    for (let r = 0; r < 200; r++) estimates.push(ipsEstimate(simulateLogs(500, rng), target).value);
    const mean = estimates.reduce((s, v) => s + v, 0) / estimates.length;
    const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (estimates.length - 1));
    // Mean of 200 replications: its standard error is sd / sqrt(200); allow 3 of them.
    expect(Math.abs(mean - TRUE_VALUE)).toBeLessThan((3 * sd) / Math.sqrt(200));
  });

  it('reports a standard error that matches the spread across replications', () => {
    const rng = new SeededRandom(12);
    const runs = Array.from({ length: 200 }, () => ipsEstimate(simulateLogs(500, rng), target));
    const mean = runs.reduce((s, e) => s + e.value, 0) / runs.length;
    const sd = Math.sqrt(runs.reduce((s, e) => s + (e.value - mean) ** 2, 0) / (runs.length - 1));
    const meanSe = runs.reduce((s, e) => s + e.standardError, 0) / runs.length;
    expect(meanSe / sd).toBeGreaterThan(0.8);
    expect(meanSe / sd).toBeLessThan(1.25);
  });

  it('SNIPS and doubly robust land on the true value, DR even with a biased reward model', () => {
    const logs = simulateLogs(40000, new SeededRandom(13));
    const snips = snipsEstimate(logs, target);
    expect(Math.abs(snips.value - TRUE_VALUE)).toBeLessThan(3 * snips.standardError + 1e-3);
    const biasedModel = (context: readonly number[], action: string): number =>
      rewardProbability(context[0] as number, action) + 0.1;
    const dr = doublyRobustEstimate(logs, target, biasedModel, ACTIONS);
    expect(Math.abs(dr.value - TRUE_VALUE)).toBeLessThan(3 * dr.standardError + 1e-3);
    const exactModel = (context: readonly number[], action: string): number =>
      rewardProbability(context[0] as number, action);
    const drExact = doublyRobustEstimate(logs, target, exactModel, ACTIONS);
    expect(drExact.standardError).toBeLessThan(ipsEstimate(logs, target).standardError);
  });

  it('rejects a zero logged propensity', () => {
    expect(() => ipsEstimate([{ context: [0], action: 'a', propensity: 0, reward: 1 }], target)).toThrow(/propensity/);
  });
});
