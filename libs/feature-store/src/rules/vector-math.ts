export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

export function cosine(a: Float32Array, b: Float32Array): number {
  const d = norm(a) * norm(b);
  return d === 0 ? 0 : dot(a, b) / d;
}

export function normalizeInPlace(a: Float32Array): Float32Array {
  const n = norm(a);
  if (n > 0) for (let i = 0; i < a.length; i++) a[i] = (a[i] ?? 0) / n;
  return a;
}

/**
 * Cosine over decayed counts: co-occurrence c(i,j) divided by the geometric mean of each item's own mass,
 * the item-kNN similarity of Sarwar et al. computed from sums that can be updated one event at a time.
 */
export function coocCosine(cij: number, ni: number, nj: number): number {
  const d = Math.sqrt(ni * nj);
  return d > 0 ? Math.min(1, cij / d) : 0;
}

/** Keeps the k largest entries by score (ties by id, so that results are deterministic). */
export function topK<T extends { itemId: string; score: number }>(entries: Iterable<T>, k: number): T[] {
  const all = [...entries];
  all.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  return all.slice(0, Math.max(0, k));
}

/** Bounded map of weights: keeps the `max` entries with the largest magnitude. */
export function capWeights(m: Map<string, number>, max: number): Map<string, number> {
  if (m.size <= max) return m;
  const kept = [...m].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, max);
  return new Map(kept);
}
