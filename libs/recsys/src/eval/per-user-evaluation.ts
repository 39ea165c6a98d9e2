import type { InteractionGraph } from '../graph/interaction-graph';
import type { ScoringModel } from '../models/scoring-model';
import { rankEachUser } from './ranking-evaluation';

export interface PerUserMetrics {
  readonly recall: Float64Array;
  readonly ndcg: Float64Array;
}

/**
 * The full-ranking protocol of evaluateRanking (every item scored, training items excluded), keeping each user's
 * figures so that intervals and paired differences between models can be computed over users.
 */
export function perUserMetrics(
  model: ScoringModel,
  train: InteractionGraph,
  users: Int32Array,
  relevant: readonly ReadonlySet<number>[],
  k = 20,
  block = 256,
): PerUserMetrics {
  const recall = new Float64Array(users.length);
  const ndcg = new Float64Array(users.length);
  rankEachUser(model, train, users, relevant, k, block, (i, m) => {
    recall[i] = m.recall;
    ndcg[i] = m.ndcg;
  });
  return { recall, ndcg };
}

export const meanOf = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ?? 0;
  return x.length > 0 ? s / x.length : 0;
};
