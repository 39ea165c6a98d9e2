import { foldInUser, recommendFromEmbeddings } from './embedding-serving';
import { topK } from './top-k';

describe('embedding serving', () => {
  const dims = 3;
  const items = 50;
  const itemEmb = Float32Array.from({ length: items * dims }, (_, k) => Math.sin(k * 1.7));
  const user = Float32Array.of(0.3, -1, 0.7);

  it('returns the same top-N as a full sort, best first', () => {
    const scores = Array.from({ length: items }, (_, i) =>
      user.reduce((s, u, c) => s + u * (itemEmb[i * dims + c] ?? 0), 0),
    );
    const want = scores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 10)
      .map(([, i]) => i);
    expect(Array.from(recommendFromEmbeddings(user, itemEmb, dims, 10).items)).toEqual(want);
  });

  it('excludes seen items from top-N', () => {
    const all = recommendFromEmbeddings(user, itemEmb, dims, 10).items;
    const seen = new Set([all[0] ?? -1, all[3] ?? -1]);
    const rec = recommendFromEmbeddings(user, itemEmb, dims, 10, seen);
    expect(rec.items).toHaveLength(10);
    for (const i of rec.items) expect(seen.has(i)).toBe(false);
  });

  it('folds a new user in as the mean of their items', () => {
    const v = foldInUser(itemEmb, dims, [2, 4]);
    for (let c = 0; c < dims; c++)
      expect(v[c]).toBeCloseTo(((itemEmb[2 * dims + c] ?? 0) + (itemEmb[4 * dims + c] ?? 0)) / 2);
  });

  it('skips non-finite scores in top-k', () => {
    expect(Array.from(topK([1, Number.NEGATIVE_INFINITY, 3, 2], 3))).toEqual([2, 3, 0]);
  });
});
