import { evaluateRanking } from '../eval/ranking-evaluation';
import { InteractionGraph } from '../graph/interaction-graph';
import { plantedCommunities } from '../testing/planted-communities';
import { BlendRecommender } from './blend.recommender';
import { ItemKnnRecommender } from './item-knn.recommender';
import { PopularityRecommender } from './popularity.recommender';
import { UserKnnRecommender } from './user-knn.recommender';

describe('user-kNN', () => {
  it('finds nearest users by the cosine of their item sets', () => {
    // u0 {0,1,2}, u1 {0,1,2,3}: cos 3/sqrt(12); u2 {2}: cos 1/sqrt(3); u3 {4}: no overlap.
    const g = InteractionGraph.fromAdjacency([[0, 1, 2], [0, 1, 2, 3], [2], [4]], 5);
    const { users, sims } = new UserKnnRecommender(g, { neighbours: 5 }).nearest(0);
    expect(Array.from(users)).toEqual([1, 2]);
    expect(sims[0]).toBeCloseTo(3 / Math.sqrt(12), 6);
    expect(sims[1]).toBeCloseTo(1 / Math.sqrt(3), 6);
  });

  it('scores an item by the similarity of the neighbours who have it', () => {
    const g = InteractionGraph.fromAdjacency([[0, 1, 2], [0, 1, 2, 3], [2], [4]], 5);
    const out = new Float32Array(5);
    new UserKnnRecommender(g, { neighbours: 5 }).scoreUsers(Int32Array.of(0), out);
    expect(out[3]).toBeCloseTo(3 / Math.sqrt(12), 6);
    expect(out[4]).toBe(0);
  });

  it('recovers planted communities far above popularity, alone and blended with item-kNN', () => {
    const data = plantedCommunities();
    const recall = (m: Parameters<typeof evaluateRanking>[0]): number =>
      evaluateRanking(m, data.train, data.users, data.heldOut, { k: 10 }).recall;
    const popularity = recall(new PopularityRecommender(data.train));
    const user = new UserKnnRecommender(data.train, { neighbours: 30 });
    const item = new ItemKnnRecommender(data.train, { neighbours: 50 });
    expect(recall(user)).toBeGreaterThan(2 * popularity);
    expect(recall(new BlendRecommender(user, item, 0.5))).toBeGreaterThan(2 * popularity);
  });
});

describe('the blend of two scorers', () => {
  it('mixes each user’s max-normalised scores by the weight', () => {
    const a = { name: 'a', numItems: 2, scoreUsers: (_: Int32Array, o: Float32Array) => o.set([4, 2]) };
    const b = { name: 'b', numItems: 2, scoreUsers: (_: Int32Array, o: Float32Array) => o.set([0, 10]) };
    const out = new Float32Array(2);
    new BlendRecommender(a, b, 0.25).scoreUsers(Int32Array.of(0), out);
    expect(Array.from(out)).toEqual([0.25, 0.125 + 0.75]);
  });
});
