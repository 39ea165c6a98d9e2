/**
 * The aggregate math of the NLP signals, in one place. The writer's Lua scripts (lua/*.lua) apply the same formulas
 * atomically in Redis; NlpSignalReader uses these functions, and the unit tests pin them down.
 */

/**
 * The writer's defaults (the nlp-worker's NLP_SENTIMENT_PRIOR_* and NLP_INTENT_HALF_LIFE_HOURS). The reader falls
 * back to the half-life only for intents written before the writer stored it next to them.
 */
export const DEFAULT_SENTIMENT_PRIOR = { mean: 0.5, weight: 5 } as const;
export const DEFAULT_INTENT_HALF_LIFE_HOURS = 24;

/**
 * Bayesian (smoothed) mean of per-review positive probabilities: the prior counts as `priorWeight` reviews of
 * `priorMean`, so one glowing review does not put a new item above a well-reviewed one.
 */
export function bayesianMean(sum: number, count: number, priorMean: number, priorWeight: number): number {
  const denominator = priorWeight + count;
  if (denominator <= 0) return priorMean;
  return (priorMean * priorWeight + sum) / denominator;
}

/** Weight left after `elapsedMs` with the given half-life (1 at 0, 0.5 after one half-life). */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  return 0.5 ** (Math.max(0, elapsedMs) / halfLifeMs);
}

export interface DecayedScores {
  /** Category -> score as of `at` (epoch ms). */
  readonly scores: ReadonlyMap<string, number>;
  readonly at: number;
}

/**
 * Adds one observation at time `t` to scores held as of `at`. Time only moves forward: a newer observation
 * first decays the held scores to `t`; an older one (events of other partitions can arrive late) is itself
 * decayed to `at`. The result is the same whatever the arrival order.
 */
export function addDecayed(
  state: DecayedScores,
  t: number,
  observation: Readonly<Record<string, number>>,
  halfLifeMs: number,
): DecayedScores {
  const scores = new Map<string, number>();
  let at = state.at;
  let weight = 1;
  if (t > state.at) {
    const f = state.at > 0 ? decayFactor(t - state.at, halfLifeMs) : 1;
    for (const [k, v] of state.scores) scores.set(k, v * f);
    at = t;
  } else {
    for (const [k, v] of state.scores) scores.set(k, v);
    weight = decayFactor(state.at - t, halfLifeMs);
  }
  for (const [k, p] of Object.entries(observation)) scores.set(k, (scores.get(k) ?? 0) + p * weight);
  return { scores, at };
}

/** Keeps the `max` highest scores; on ties the later name wins, as ZREMRANGEBYRANK on the Redis set does. */
export function topScores(scores: ReadonlyMap<string, number>, max: number): [string, number][] {
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, max);
}
