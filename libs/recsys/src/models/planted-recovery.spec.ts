import { evaluateRanking } from '../eval/ranking-evaluation';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { plantedCommunities } from '../testing/planted-communities';
import { EmbeddingRecommender } from './embedding.recommender';
import { GraphFilterRecommender } from './graph-filter.recommender';
import { tuneGraphFilter } from './graph-filter.tuning';
import { ItemKnnRecommender } from './item-knn.recommender';
import { trainLightGcn } from './lightgcn.trainer';
import { PopularityRecommender } from './popularity.recommender';

describe('graph recommenders on planted communities', () => {
  const data = plantedCommunities();
  const recallOf = (m: Parameters<typeof evaluateRanking>[0]): number =>
    evaluateRanking(m, data.train, data.users, data.heldOut, { k: 10 }).recall;
  let popularity = 0;

  beforeAll(async () => {
    await initTensorflow();
    popularity = recallOf(new PopularityRecommender(data.train));
  });

  it('the graph filter recovers held-out edges far above popularity', () => {
    const m = GraphFilterRecommender.fit(data.train, { rank: 16, iterations: 4 });
    const r = recallOf(m);
    m.dispose();
    expect(r).toBeGreaterThanOrEqual(2 * popularity);
  });

  it('the tuned, sharpened filter is at least as good on validation as plain GF-CF', () => {
    const t = tuneGraphFilter(data.train, { rank: 16, iterations: 4, validationUsers: 200 });
    expect(t.validationRecall).toBeGreaterThanOrEqual(t.gfcfValidationRecall);
  });

  it('LightGCN recovers held-out edges far above popularity', async () => {
    const res = await trainLightGcn(data.train, { dims: 32, epochs: 40, batchSize: 512, learningRate: 0.01 });
    const m = new EmbeddingRecommender('lightgcn', res.userEmb, res.itemEmb, res.dims);
    const r = recallOf(m);
    m.dispose();
    expect(r).toBeGreaterThanOrEqual(2 * popularity);
  });

  it('item-kNN beats popularity', () => {
    expect(recallOf(new ItemKnnRecommender(data.train, { neighbours: 50 }))).toBeGreaterThan(popularity);
  });
});
