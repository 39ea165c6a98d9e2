import { InMemoryCandidateSource, InMemoryFeatureSource } from '../features/in-memory-feature.source';
import { CandidateGenerator } from './candidate-generator';

describe('candidate generator', () => {
  it('blends neighbours, GNN and trending and never returns excluded items', async () => {
    const fs = new InMemoryFeatureSource();
    fs.neighbourMap.set('seed', [
      { itemId: 'n1', score: 0.9 },
      { itemId: 'bought', score: 0.8 },
    ]);
    fs.trendingItems = [
      { itemId: 't1', score: 100 },
      { itemId: 'n1', score: 50 },
    ];
    const gnn = new InMemoryCandidateSource();
    gnn.byUser.set('u', [{ itemId: 'g1', score: 3 }]);
    const set = await new CandidateGenerator(fs, gnn).generate({
      userId: 'u',
      seeds: ['seed'],
      exclude: new Set(['bought']),
      k: 10,
    });
    const ids = set.candidates.map((c) => c.itemId);
    expect(ids).not.toContain('bought');
    expect(ids[0]).toBe('n1');
    expect(ids).toEqual(expect.arrayContaining(['t1', 'g1']));
    expect(set.coldStart).toBe(false);
  });

  it('gives trending full weight for a cold-start user and survives a failing optional source', async () => {
    const fs = new InMemoryFeatureSource();
    fs.trendingItems = [
      { itemId: 't1', score: 10 },
      { itemId: 't2', score: 5 },
    ];
    const broken = { name: 'gnn', candidates: () => Promise.reject(new Error('down')) };
    const set = await new CandidateGenerator(fs, broken).generate({
      userId: 'new',
      seeds: [],
      exclude: new Set(),
      k: 5,
    });
    expect(set.coldStart).toBe(true);
    expect(set.used.trending).toBeCloseTo(1, 9);
    expect(set.candidates[0]).toEqual({ itemId: 't1', blendScore: 1, sources: ['trending'] });
  });

  it('blends the nearest users’ items in, and asks no user source for a user who refused personalization', async () => {
    const fs = new InMemoryFeatureSource();
    const users = new InMemoryCandidateSource();
    users.byUser.set('u', [{ itemId: 'from-neighbours', score: 2 }]);
    const gen = new CandidateGenerator(fs, undefined, undefined, undefined, users);
    const set = await gen.generate({ userId: 'u', seeds: [], exclude: new Set(), k: 5 });
    expect(set.candidates).toEqual([{ itemId: 'from-neighbours', blendScore: 1, sources: ['users'] }]);
    expect(set.coldStart).toBe(false);
    const refused = await gen.generate({ userId: 'u', seeds: [], exclude: new Set(), k: 5, personalized: false });
    expect(refused.candidates).toEqual([]);
  });
});
