import type { InteractionGraph } from '../graph/interaction-graph';
import { MetricAccumulator, rankingMetrics, type RankingMetrics } from '../metrics/ranking-metrics';
import type { ProgressFn, ScoringModel } from '../models/scoring-model';
import { topK } from '../serving/top-k';

export interface EvaluationOptions {
  readonly k?: number;
  readonly blockSize?: number;
  readonly onProgress?: ProgressFn;
}

export interface EvaluationResult extends RankingMetrics {
  readonly users: number;
  readonly k: number;
}

/**
 * Full ranking protocol: every item is scored for every user with test items, the user's training items are
 * excluded, and Recall/Precision/NDCG@k are averaged over those users.
 */
export function evaluateRanking(
  model: ScoringModel,
  train: InteractionGraph,
  users: Int32Array,
  relevant: readonly ReadonlySet<number>[],
  options: EvaluationOptions = {},
): EvaluationResult {
  const k = options.k ?? 20;
  const acc = new MetricAccumulator();
  const started = Date.now();
  let lastReport = 0;
  rankEachUser(
    model,
    train,
    users,
    relevant,
    k,
    options.blockSize ?? 256,
    (_, m) => acc.add(m),
    (done) => {
      if (options.onProgress && (Date.now() - lastReport > 2000 || done === users.length)) {
        lastReport = Date.now();
        const elapsed = (Date.now() - started) / 1000;
        options.onProgress({
          stage: 'evaluate',
          users: done,
          of: users.length,
          recall: acc.mean().recall,
          eta_s: Math.round((elapsed / done) * (users.length - done)),
        });
      }
    },
  );
  return { ...acc.mean(), users: acc.count, k };
}

/**
 * The protocol itself, block by block: every item scored for each user, the user's training items excluded, the
 * top k ranked against the user's relevant items; `onUser` gets each user's metrics (by position in `users`),
 * `onBlock` how many users are done.
 */
export function rankEachUser(
  model: ScoringModel,
  train: InteractionGraph,
  users: Int32Array,
  relevant: readonly ReadonlySet<number>[],
  k: number,
  block: number,
  onUser: (index: number, metrics: RankingMetrics) => void,
  onBlock: (done: number) => void = () => undefined,
): void {
  const n = model.numItems;
  const scores = new Float32Array(block * n);
  for (let s = 0; s < users.length; s += block) {
    const batch = users.subarray(s, Math.min(s + block, users.length));
    model.scoreUsers(batch, scores);
    for (let b = 0; b < batch.length; b++) {
      const u = batch[b] ?? 0;
      const off = b * n;
      if (u < train.numUsers) for (const i of train.itemsOf(u)) scores[off + i] = Number.NEGATIVE_INFINITY;
      onUser(s + b, rankingMetrics(topK(scores, k, undefined, off, n), relevant[s + b] ?? new Set<number>(), k));
    }
    onBlock(Math.min(s + block, users.length));
  }
}
