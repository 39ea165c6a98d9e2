/**
 * Per-user ranking metrics with the LightGCN protocol: recall = hits / |relevant|, precision = hits / k,
 * NDCG normalised by the ideal DCG over min(|relevant|, k) positions.
 */
export interface RankingMetrics {
  recall: number;
  precision: number;
  ndcg: number;
}

export function rankingMetrics(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): RankingMetrics {
  if (relevant.size === 0) return { recall: 0, precision: 0, ndcg: 0 };
  let hits = 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let p = 0; p < n; p++) {
    if (relevant.has(ranked[p] ?? -1)) {
      hits++;
      dcg += 1 / Math.log2(p + 2);
    }
  }
  let idcg = 0;
  const idealHits = Math.min(relevant.size, k);
  for (let p = 0; p < idealHits; p++) idcg += 1 / Math.log2(p + 2);
  return { recall: hits / relevant.size, precision: hits / k, ndcg: dcg / idcg };
}

/** Running mean over users. */
export class MetricAccumulator {
  private n = 0;
  private sums = { recall: 0, precision: 0, ndcg: 0 };

  add(m: RankingMetrics): void {
    this.n++;
    this.sums.recall += m.recall;
    this.sums.precision += m.precision;
    this.sums.ndcg += m.ndcg;
  }

  get count(): number {
    return this.n;
  }

  mean(): RankingMetrics {
    const d = Math.max(this.n, 1);
    return { recall: this.sums.recall / d, precision: this.sums.precision / d, ndcg: this.sums.ndcg / d };
  }
}
