import { seededRandom } from '@offerstream/core';
import { minCostAssignment, stableClusterIds } from './centroid-matching';
import { kmeans } from './kmeans';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

/** Points scattered around the given centres, in a shuffled order. */
function blobs(centres: readonly number[][], perBlob: number, seed: number): Float32Array[] {
  const rnd = seededRandom(seed);
  const out: Float32Array[] = [];
  for (const c of centres)
    for (let i = 0; i < perBlob; i++) out.push(Float32Array.from(c, (x) => x + (rnd() - 0.5) * 0.2));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as Float32Array, out[i] as Float32Array];
  }
  return out;
}

describe('centroid matching', () => {
  it('finds the assignment of least total cost, not the greedy one', () => {
    // Greedy would give row 0 column 0 (cost 1) and leave row 1 with column 1 (cost 10): 11 against 2 + 3 = 5.
    expect(
      minCostAssignment([
        [1, 2],
        [3, 10],
      ]),
    ).toEqual([1, 0]);
    expect(minCostAssignment([[5, 1, 9]])).toEqual([1]);
    expect(() => minCostAssignment([[1], [2]])).toThrow(/rows <= columns/);
  });

  it('hands every new centroid the id of the previous centroid it lies on', () => {
    const previous = { centroids: [v(0, 0), v(10, 0), v(0, 10)], ids: ['c0', 'c1', 'c2'], nextId: 3 };
    const next = [v(0.2, 9.9), v(0.1, 0), v(9.8, 0.3)];
    expect(stableClusterIds(previous, next)).toEqual({ ids: ['c2', 'c0', 'c1'], nextId: 3 });
  });

  it('gives fresh ids to clusters that match nothing, and never reuses a retired id', () => {
    const previous = { centroids: [v(0, 0), v(10, 0)], ids: ['c4', 'c7'], nextId: 8 };
    const grown = stableClusterIds(previous, [v(10, 1), v(50, 50), v(0, 1)]);
    expect(grown.ids[0]).toBe('c7');
    expect(grown.ids[2]).toBe('c4');
    expect(grown.ids[1]).toBe('c8');
    expect(grown.nextId).toBe(9);
    const shrunk = stableClusterIds(previous, [v(9, 0)]);
    expect(shrunk).toEqual({ ids: ['c7'], nextId: 8 });
    const far = stableClusterIds(previous, [v(0, 0), v(100, 100)], 4);
    expect(far).toEqual({ ids: ['c4', 'c8'], nextId: 9 });
  });

  it('numbers the clusters of the first run from the start', () => {
    expect(stableClusterIds(null, [v(1), v(2)])).toEqual({ ids: ['c0', 'c1'], nextId: 2 });
  });

  it('keeps each group of users under its id across retrains on fresh samples', () => {
    const centres = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 0],
    ];
    const first = kmeans(blobs(centres, 50, 1), 4, { seed: 3 });
    let previous = { centroids: first.centroids, ...stableClusterIds(null, first.centroids) };
    const idOfCentre = (model: typeof previous, c: number[]): string => {
      let best = 0;
      let bestD = Infinity;
      model.centroids.forEach((m, i) => {
        const d = m.reduce((s, x, j) => s + (x - (c[j] ?? 0)) ** 2, 0);
        if (d < bestD) [best, bestD] = [i, d];
      });
      return model.ids[best] ?? '';
    };
    const initial = centres.map((c) => idOfCentre(previous, c));
    for (let run = 2; run <= 6; run++) {
      // A different seed and sample each time: k-means alone would number the clusters differently.
      const res = kmeans(blobs(centres, 50, run * 17), 4, { seed: run });
      previous = { centroids: res.centroids, ...stableClusterIds(previous, res.centroids) };
      expect(centres.map((c) => idOfCentre(previous, c))).toEqual(initial);
    }
    expect(previous.nextId).toBe(4);
  });
});
