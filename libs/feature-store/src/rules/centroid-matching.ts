import { kmeans, sqDist } from './kmeans';

/**
 * Minimum-cost assignment (Hungarian method with potentials, O(rows² · cols)) of every row to a distinct column;
 * needs rows <= cols. Returns the column of each row. A few hundred clusters take milliseconds.
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = cost[0]?.length ?? 0;
  if (n === 0) return [];
  if (n > m) throw new Error(`assignment needs rows <= columns, got ${n} x ${m}`);
  const c = (i: number, j: number): number => cost[i - 1]?.[j - 1] ?? Infinity;
  // 1-based arrays as in the textbook formulation: column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOf = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0] ?? 0;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c(i0, j) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Infinity)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Infinity) < delta) {
          delta = minv[j] ?? Infinity;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOf[j] ?? 0] = (u[rowOf[j] ?? 0] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else minv[j] = (minv[j] ?? 0) - delta;
      }
      j0 = j1;
    } while ((rowOf[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      rowOf[j0] = rowOf[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if ((rowOf[j] ?? 0) > 0) out[(rowOf[j] ?? 1) - 1] = j - 1;
  return out;
}

export interface StableIds {
  /** Stable id of each new centroid, in the new run's order. */
  ids: string[];
  /** Next unused id number (ids are `c<number>`, never reused). */
  nextId: number;
}

/** Stable cluster ids look like `c3`; rule segments may not take this form. */
export const CLUSTER_ID = /^c\d{1,6}$/;

/**
 * Gives the clusters of a new run the ids of the previous run's clusters they are closest to: one-to-one, by the
 * assignment of least total squared distance between centroids (k-means numbers its clusters arbitrarily, so
 * without this `seg3` would mean another group of users after every retrain). A new cluster that matches none
 * (more clusters than before, or farther than `maxSqDist` from its match) gets a fresh id.
 */
export function stableClusterIds(
  previous: { centroids: readonly Float32Array[]; ids: readonly string[]; nextId: number } | null,
  next: readonly Float32Array[],
  maxSqDist = Infinity,
): StableIds {
  let nextId = previous?.nextId ?? 0;
  const ids = new Array<string>(next.length).fill('');
  if (previous && previous.centroids.length > 0 && next.length > 0) {
    const old = previous.centroids;
    // Rows must not outnumber columns: assign the smaller side to the larger.
    const newIsRow = next.length <= old.length;
    const rows = newIsRow ? next : old;
    const cols = newIsRow ? old : next;
    const cost = rows.map((r) => cols.map((c) => sqDist(r, c)));
    minCostAssignment(cost).forEach((col, row) => {
      const [ni, oi] = newIsRow ? [row, col] : [col, row];
      const oldId = previous.ids[oi];
      if (oldId !== undefined && (cost[row]?.[col] ?? Infinity) <= maxSqDist) ids[ni] = oldId;
    });
  }
  for (let i = 0; i < ids.length; i++) if (ids[i] === '') ids[i] = `c${nextId++}`;
  return { ids, nextId };
}

export interface ClusterRun {
  centroids: Float32Array[];
  assignments: Int32Array;
  sizes: number[];
  ids: string[];
  nextId: number;
}

/**
 * One retrain as the segment job runs it: k-means warm-started from the previous run's centroids (when their
 * dimensions match), then the previous ids handed over by centroid matching.
 */
export function retrainClusters(
  points: readonly Float32Array[],
  k: number,
  previous: { centroids: readonly Float32Array[]; ids: readonly string[]; nextId: number } | null,
): ClusterRun {
  const dims = points[0]?.length ?? 0;
  const usable = previous && previous.centroids.every((c) => c.length === dims) ? previous : null;
  const res = kmeans(points, k, { seed: 11, maxIter: 30, init: usable?.centroids ?? [] });
  return {
    centroids: res.centroids,
    assignments: res.assignments,
    sizes: res.sizes,
    ...stableClusterIds(usable, res.centroids),
  };
}
