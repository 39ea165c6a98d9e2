import { recommendForUser } from '../serving/artifact-recommend';
import { plantedCommunities } from '../testing/planted-communities';
import { trainGraphModel } from './train-graph-model';

describe('trainGraphModel', () => {
  const data = plantedCommunities(120, 80, 4, 12, 3);
  const pairs: [string, string][] = [];
  for (let u = 0; u < data.train.numUsers; u++)
    for (const i of data.train.itemsOf(u)) pairs.push([`user-${u}`, `item-${i}`]);

  it('trains the served graph filter in a worker thread and reports progress', async () => {
    const events: Record<string, unknown>[] = [];
    const artifact = await trainGraphModel(pairs, { rank: 16 }, (e) => events.push(e));
    expect(artifact.method).toBe('graph-filter');
    expect(artifact.userEmb).toHaveLength(artifact.userIds.length * artifact.dims);
    expect(artifact.itemEmb).toHaveLength(artifact.itemIds.length * artifact.dims);
    expect(events.some((e) => e['stage'] === 'svd')).toBe(true);
    const rec = recommendForUser(artifact, { userIndex: 0 }, 10);
    const seen = new Set(pairs.filter(([u]) => u === artifact.userIds[0]).map(([, i]) => i));
    expect(rec.itemIds).toHaveLength(10);
    for (const id of rec.itemIds) expect(seen.has(id)).toBe(false);
    // Fold-in of a new user with the same history gives the same ranking as the known user.
    const history = Array.from(seen, (id) => artifact.itemIds.indexOf(id));
    expect(Array.from(recommendForUser(artifact, { recentItems: history }, 10).items)).toEqual(Array.from(rec.items));
  }, 60000);

  it('trains LightGCN in a worker thread with epoch progress', async () => {
    const events: Record<string, unknown>[] = [];
    const artifact = await trainGraphModel(pairs, { method: 'lightgcn', dims: 16, epochs: 3, batchSize: 256 }, (e) =>
      events.push(e),
    );
    expect(artifact.dims).toBe(16);
    expect(events.filter((e) => e['stage'] === 'lightgcn').map((e) => e['epoch'])).toEqual([1, 2, 3]);
    const rec = recommendForUser(artifact, { recentItems: [0, 1, 2] }, 5);
    expect(rec.items).toHaveLength(5);
    expect(Array.from(rec.items)).not.toContain(1);
  }, 60000);
});
