import type { SeededRandom } from '@offerstream/core';
import type { OpeDecision } from './ope-decision';

/**
 * A synthetic randomized decision log with known answers, for tests and demonstrations: three standard-normal
 * features, three actions whose mean reward is linear in them, and a context-dependent logging policy with
 * every probability >= 0.05 (as the bandit's epsilon mixture guarantees).
 */
export const SIMULATED_ACTIONS = ['none', 'pct10', 'free_shipping'] as const;

/** True mean reward: intercept and per-feature slope of each action. */
export const SIMULATED_EFFECTS: Readonly<Record<string, { intercept: number; slopes: readonly number[] }>> = {
  none: { intercept: 1, slopes: [0.5, 0, 0] },
  pct10: { intercept: 1.5, slopes: [0.5, 1, 0] },
  free_shipping: { intercept: 0.8, slopes: [0.5, -0.7, 0.4] },
};

export function simulatedMeanReward(x: readonly number[], action: string): number {
  const e = SIMULATED_EFFECTS[action];
  if (!e) throw new RangeError(`unknown simulated action ${action}`);
  return e.slopes.reduce((s, b, j) => s + b * (x[j] as number), e.intercept);
}

/** The logging policy: a softmax favouring pct10 where x1 is high, mixed 15% with uniform. */
export function simulatedLoggingPolicy(x: readonly number[]): Record<string, number> {
  const logits = [0, 0.8 * (x[1] as number), 0.5 - 0.5 * (x[0] as number)];
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const total = exp.reduce((s, v) => s + v, 0);
  return Object.fromEntries(SIMULATED_ACTIONS.map((a, i) => [a, 0.85 * ((exp[i] as number) / total) + 0.05]));
}

export function simulateDecisionLog(n: number, rng: SeededRandom, noiseSd = 1): OpeDecision[] {
  return Array.from({ length: n }, () => {
    const x = [rng.gaussian(), rng.gaussian(), rng.gaussian()];
    const probs = simulatedLoggingPolicy(x);
    const u = rng.next();
    let acc = 0;
    let action: string = SIMULATED_ACTIONS[2];
    for (const a of SIMULATED_ACTIONS) {
      acc += probs[a] as number;
      if (u < acc) {
        action = a;
        break;
      }
    }
    return {
      context: x,
      action,
      propensity: probs[action] as number,
      reward: simulatedMeanReward(x, action) + noiseSd * rng.gaussian(),
      available: [...SIMULATED_ACTIONS],
      loggingProbabilities: probs,
    };
  });
}
