import { seededRandom } from '@offerstream/core';
import type { SegmentFigures } from './segment-description';

export interface SegmentModel {
  version: number;
  dims: number;
  k: number;
  centroids: Float32Array[];
  sizes: number[];
  trainedAt: number;
  sampleSize: number;
  /** Stable id of each centroid (`c<n>`), kept across retrains by matching centroids (see stableClusterIds). */
  ids: string[];
  /** Next unused cluster id number. */
  nextId: number;
  /** Per centroid: size, buyer share and top features in the sample. */
  clusters: SegmentFigures[];
  /** Per rule segment id: its size and buyer share in the same sample. */
  rules: Record<string, SegmentFigures>;
}

export interface KMeansResult {
  centroids: Float32Array[];
  assignments: Int32Array;
  sizes: number[];
  inertia: number;
  iterations: number;
}

/**
 * Lloyd's k-means with k-means++ seeding over plain typed arrays (a few thousand 64-dim vectors take
 * milliseconds); deterministic for a given seed. Empty clusters are re-seeded from the farthest point. `init`
 * (the previous run's centroids) warm-starts it, so a retrain on a similar sample ends near the same clusters;
 * k-means++ fills any centroids it lacks.
 */
export function kmeans(
  points: readonly Float32Array[],
  k: number,
  opts: { seed?: number; maxIter?: number; init?: readonly Float32Array[] } = {},
): KMeansResult {
  const n = points.length;
  if (n === 0) throw new Error('k-means needs at least one point');
  const dims = points[0]?.length ?? 0;
  const kk = Math.min(k, n);
  const rnd = seededRandom(opts.seed ?? 7);
  const init = (opts.init ?? []).filter((c) => c.length === dims).slice(0, kk);
  const centroids: Float32Array[] =
    init.length > 0
      ? init.map((c) => Float32Array.from(c))
      : [Float32Array.from(points[Math.floor(rnd() * n)] ?? new Float32Array(dims))];
  const d2 = new Float64Array(n).fill(Infinity);
  for (const c of centroids.slice(0, -1))
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i] ?? Infinity, sqDist(points[i] ?? c, c));
  while (centroids.length < kk) {
    const last = centroids[centroids.length - 1] ?? new Float32Array(dims);
    let total = 0;
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i] ?? Infinity, sqDist(points[i] ?? last, last));
      total += d2[i] ?? 0;
    }
    let r = rnd() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i] ?? 0;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    centroids.push(Float32Array.from(points[pick] ?? last));
  }
  const assignments = new Int32Array(n).fill(-1);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < (opts.maxIter ?? 50); iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i] ?? new Float32Array(dims);
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < kk; c++) {
        const d = sqDist(p, centroids[c] ?? p);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      inertia += bestD;
      if (assignments[i] !== best) {
        assignments[i] = best;
        changed++;
      }
    }
    const sums = centroids.map(() => new Float64Array(dims));
    const counts = new Array<number>(kk).fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      const s = sums[c];
      const p = points[i];
      if (s && p) for (let d = 0; d < dims; d++) s[d] = (s[d] ?? 0) + (p[d] ?? 0);
    }
    for (let c = 0; c < kk; c++) {
      const count = counts[c] ?? 0;
      const s = sums[c];
      if (count === 0 || !s) {
        centroids[c] = Float32Array.from(points[farthest(points, centroids, assignments)] ?? new Float32Array(dims));
        continue;
      }
      const cent = new Float32Array(dims);
      for (let d = 0; d < dims; d++) cent[d] = (s[d] ?? 0) / count;
      centroids[c] = cent;
    }
    if (changed === 0) break;
  }
  const sizes = new Array<number>(kk).fill(0);
  for (const a of assignments) sizes[a] = (sizes[a] ?? 0) + 1;
  return { centroids, assignments, sizes, inertia, iterations };
}

export function nearestCentroid(model: Pick<SegmentModel, 'centroids'>, v: Float32Array): number {
  let best = 0;
  let bestD = Infinity;
  model.centroids.forEach((c, i) => {
    const d = sqDist(v, c);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function farthest(points: readonly Float32Array[], centroids: Float32Array[], assignments: Int32Array): number {
  let best = 0;
  let bestD = -1;
  points.forEach((p, i) => {
    const c = centroids[assignments[i] ?? 0];
    const d = c ? sqDist(p, c) : 0;
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

export function sqDist(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    s += d * d;
  }
  return s;
}

/** Stored as a hash of buffers: small scalar fields and the centroids packed as float32. */
export function encodeSegmentModel(m: SegmentModel): Record<string, Buffer | string> {
  const packed = Buffer.allocUnsafe(m.k * m.dims * 4);
  m.centroids.forEach((c, i) => {
    for (let d = 0; d < m.dims; d++) packed.writeFloatLE(c[d] ?? 0, (i * m.dims + d) * 4);
  });
  return {
    version: String(m.version),
    dims: String(m.dims),
    k: String(m.k),
    sizes: m.sizes.join(','),
    trainedAt: String(m.trainedAt),
    sampleSize: String(m.sampleSize),
    ids: m.ids.join(','),
    nextId: String(m.nextId),
    clusters: JSON.stringify(m.clusters),
    rules: JSON.stringify(m.rules),
    centroids: packed,
  };
}

export function decodeSegmentModel(h: Record<string, Buffer>): SegmentModel | null {
  const num = (k: string): number => Number(h[k]?.toString('utf8') ?? NaN);
  const dims = num('dims');
  const k = num('k');
  const packed = h['centroids'];
  if (!Number.isInteger(dims) || !Number.isInteger(k) || !packed || packed.length !== dims * k * 4) return null;
  const centroids: Float32Array[] = [];
  for (let i = 0; i < k; i++) {
    const c = new Float32Array(dims);
    for (let d = 0; d < dims; d++) c[d] = packed.readFloatLE((i * dims + d) * 4);
    centroids.push(c);
  }
  const sizes = (h['sizes']?.toString('utf8') ?? '').split(',').filter(Boolean).map(Number);
  const ids = (h['ids']?.toString('utf8') ?? '').split(',').filter(Boolean);
  // A model stored before stable ids existed keeps the positions it was published with as its ids.
  const legacy = ids.length !== k;
  return {
    version: num('version'),
    dims,
    k,
    centroids,
    sizes,
    trainedAt: num('trainedAt'),
    sampleSize: num('sampleSize'),
    ids: legacy ? centroids.map((_, i) => `c${i}`) : ids,
    nextId: legacy ? k : num('nextId'),
    clusters: parseJson<SegmentFigures[]>(h['clusters']) ?? sizes.map((size) => ({ size, buyerShare: 0 })),
    rules: parseJson<Record<string, SegmentFigures>>(h['rules']) ?? {},
  };
}

function parseJson<T>(b: Buffer | undefined): T | undefined {
  if (!b) return undefined;
  try {
    return JSON.parse(b.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
