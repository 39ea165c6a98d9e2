import type { InteractionGraph } from '../graph/interaction-graph';
import { rankingMetrics } from '../metrics/ranking-metrics';
import type { ScoringModel } from '../models/scoring-model';
import { topK } from '../serving/top-k';

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
  const n = model.numItems;
  const scores = new Float32Array(block * n);
  const recall = new Float64Array(users.length);
  const ndcg = new Float64Array(users.length);
  for (let s = 0; s < users.length; s += block) {
    const batch = users.subarray(s, Math.min(s + block, users.length));
    model.scoreUsers(batch, scores);
    for (let b = 0; b < batch.length; b++) {
      const u = batch[b] ?? 0;
      const off = b * n;
      if (u < train.numUsers) for (const i of train.itemsOf(u)) scores[off + i] = Number.NEGATIVE_INFINITY;
      const m = rankingMetrics(topK(scores, k, undefined, off, n), relevant[s + b] ?? new Set<number>(), k);
      recall[s + b] = m.recall;
      ndcg[s + b] = m.ndcg;
    }
  }
  return { recall, ndcg };
}

export const meanOf = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ?? 0;
  return x.length > 0 ? s / x.length : 0;
};
