import { evaluateRanking } from '../eval/ranking-evaluation';
import { plantedCommunities } from '../testing/planted-communities';
import { PopularityRecommender } from './popularity.recommender';
import { VectorUserKnnRecommender } from './vector-user-knn.recommender';

describe('user-kNN over user vectors', () => {
  const data = plantedCommunities();
  const dims = 8;
  // Item vectors that know the planted community of each item (a stand-in for content vectors), plus noise.
  const itemVectors = new Float32Array(200 * dims);
  for (let i = 0; i < 200; i++) {
    itemVectors[i * dims + Math.min(4, Math.floor(i / 40))] = 1;
    itemVectors[i * dims + 5 + (i % 3)] = 0.3;
  }
  const recall = (m: Parameters<typeof evaluateRanking>[0]): number =>
    evaluateRanking(m, data.train, data.users, data.heldOut, { k: 10 }).recall;

  it('makes each user the unit-length mean of their items’ vectors', () => {
    const m = new VectorUserKnnRecommender(data.train, itemVectors, dims, { neighbours: 10 });
    const v = m.vectorOf(0);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('finds through the LSH index only users the exact search ranks as near, and recommends above popularity', () => {
    const exact = new VectorUserKnnRecommender(data.train, itemVectors, dims, { neighbours: 20 });
    const lsh = new VectorUserKnnRecommender(data.train, itemVectors, dims, {
      neighbours: 20,
      lsh: { tables: 4, bits: 6, seed: 1, probe: 50 },
    });
    const { users: got, sims } = lsh.nearest(0);
    expect(got.length).toBeGreaterThan(0);
    expect(got).not.toContain(0);
    // Every neighbour the index returns is at least as close as the exact 20th.
    const exactSims = exact.nearest(0).sims;
    expect(Math.min(...sims)).toBeGreaterThanOrEqual((exactSims[exactSims.length - 1] ?? 0) - 1e-6);
    const popularity = recall(new PopularityRecommender(data.train));
    expect(recall(lsh)).toBeGreaterThan(2 * popularity);
    expect(recall(exact)).toBeGreaterThan(2 * popularity);
  });
});
