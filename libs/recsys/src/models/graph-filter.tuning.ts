import { carveValidation } from '../eval/validation-split';
import type { InteractionGraph } from '../graph/interaction-graph';
import { MetricAccumulator, rankingMetrics } from '../metrics/ranking-metrics';
import { topK } from '../serving/top-k';
import { GraphFilterRecommender, type GraphFilterOptions } from './graph-filter.recommender';
import type { ProgressFn } from './scoring-model';

export interface FilterTuningOptions extends GraphFilterOptions {
  readonly validationUsers?: number;
  readonly holdoutFraction?: number;
  readonly idealWeights?: readonly number[];
  readonly sharpenTimes?: readonly number[];
}

export interface FilterTuningResult {
  readonly idealWeight: number;
  readonly sharpen: number;
  readonly validationRecall: number;
  readonly gfcfValidationRecall: number;
  readonly grid: readonly { idealWeight: number; sharpen: number; recall: number }[];
}

const DEFAULT_IDEAL = [0, 0.1, 0.2, 0.3, 0.5, 0.8] as const;
const DEFAULT_SHARPEN = [0, 0.1, 0.25, 0.5, 1, 1.5, 2.5] as const;

/**
 * Picks (β, T) by Recall@20 on a validation split carved out of train, so each data set gets its own filter
 * by the same rule. Every grid point is a linear combination of four per-user score vectors (s P and the
 * low-rank part with Σ⁰, Σ², Σ⁴ weights), so the grid costs one scoring pass plus cheap re-ranking.
 */
export function tuneGraphFilter(
  graph: InteractionGraph,
  options: FilterTuningOptions = {},
  onProgress?: ProgressFn,
): FilterTuningResult {
  const split = carveValidation(
    graph,
    options.holdoutFraction ?? 0.2,
    options.validationUsers ?? 1500,
    (options.seed ?? 7) + 1,
  );
  const model = GraphFilterRecommender.fit(split.train, options);
  const ideal = options.idealWeights ?? DEFAULT_IDEAL;
  const sharpen = options.sharpenTimes ?? DEFAULT_SHARPEN;
  const grid = ideal.flatMap((b) => sharpen.map((t) => ({ idealWeight: b, sharpen: t })));
  const accs = grid.map(() => new MetricAccumulator());
  const n = model.numItems;
  const pow = (e: number): Float32Array => Float32Array.from(model.sigma, (s) => s ** e);
  const block = 128;
  const base = new Float32Array(block * n);
  const l0 = new Float32Array(block * n);
  const l2 = new Float32Array(block * n);
  const l4 = new Float32Array(block * n);
  const row = new Float32Array(n);
  for (let s = 0; s < split.users.length; s += block) {
    const users = split.users.subarray(s, Math.min(s + block, split.users.length));
    const histories = Array.from(users, (u) => split.train.itemsOf(u));
    const rows = users.length;
    base.fill(0);
    l0.fill(0);
    l2.fill(0);
    l4.fill(0);
    histories.forEach((h, b) => model.addPropagation(h, base, b * n));
    model.addLowRank(model.userFactors(histories, pow(0)), rows, l0);
    model.addLowRank(model.userFactors(histories, pow(2)), rows, l2);
    model.addLowRank(model.userFactors(histories, pow(4)), rows, l4);
    for (let b = 0; b < rows; b++) {
      const off = b * n;
      const seen = histories[b] ?? new Int32Array(0);
      const relevant = split.heldOut[s + b] ?? new Set<number>();
      grid.forEach((g, gi) => {
        const { idealWeight: beta, sharpen: t } = g;
        for (let i = 0; i < n; i++) {
          row[i] =
            (base[off + i] ?? 0) + beta * (l0[off + i] ?? 0) - t * ((l4[off + i] ?? 0) + beta * (l2[off + i] ?? 0));
        }
        for (const i of seen) row[i] = Number.NEGATIVE_INFINITY;
        accs[gi]?.add(rankingMetrics(topK(row, 20), relevant, 20));
      });
    }
    onProgress?.({ stage: 'tune', users: Math.min(s + block, split.users.length), of: split.users.length });
  }
  model.dispose();
  const results = grid.map((g, gi) => ({ ...g, recall: accs[gi]?.mean().recall ?? 0 }));
  let best = results[0] ?? { idealWeight: 0.3, sharpen: 0, recall: 0 };
  for (const r of results) if (r.recall > best.recall + 1e-9) best = r;
  const gfcf = results.find((r) => r.sharpen === 0 && Math.abs(r.idealWeight - 0.3) < 1e-9);
  return {
    idealWeight: best.idealWeight,
    sharpen: best.sharpen,
    validationRecall: best.recall,
    gfcfValidationRecall: gfcf?.recall ?? Number.NaN,
    grid: results,
  };
}
