import { MetricAccumulator, rankingMetrics } from './ranking-metrics';

describe('ranking metrics', () => {
  it('computes recall, precision and NDCG on a hand-worked example', () => {
    // Hits at ranks 1 and 3 out of 3 relevant items, k = 5.
    const m = rankingMetrics([7, 1, 9, 4, 5], new Set([7, 9, 2]), 5);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.precision).toBeCloseTo(2 / 5);
    const dcg = 1 + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(m.ndcg).toBeCloseTo(dcg / idcg);
  });

  it('normalises NDCG over min(|relevant|, k) positions', () => {
    const m = rankingMetrics([3, 0], new Set([0, 1, 2, 3]), 2);
    expect(m.ndcg).toBeCloseTo(1);
    expect(m.recall).toBeCloseTo(0.5);
  });

  it('averages over users', () => {
    const acc = new MetricAccumulator();
    acc.add({ recall: 1, precision: 0.5, ndcg: 1 });
    acc.add({ recall: 0, precision: 0, ndcg: 0 });
    expect(acc.mean()).toEqual({ recall: 0.5, precision: 0.25, ndcg: 0.5 });
  });
});
