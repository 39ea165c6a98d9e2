import type { CsrMatrix } from '../sparse/csr-matrix';
import { csrFromCoo, spmmDense } from '../sparse/csr-matrix';
import type { InteractionGraph } from './interaction-graph';

/**
 * Symmetric-normalised adjacency D^{-1/2} [[0, R], [Rᵀ, 0]] D^{-1/2} of the bipartite graph, nodes ordered
 * users then items (LightGCN's propagation matrix).
 */
export function normalizedAdjacency(graph: InteractionGraph): CsrMatrix {
  const nu = graph.numUsers;
  const n = nu + graph.numItems;
  const ui = graph.userItems;
  const deg = new Float32Array(n);
  for (let u = 0; u < nu; u++) deg[u] = (ui.indptr[u + 1] ?? 0) - (ui.indptr[u] ?? 0);
  const itemDeg = graph.itemDegrees();
  deg.set(itemDeg, nu);
  const nnz = ui.indices.length;
  const rows = new Int32Array(2 * nnz);
  const cols = new Int32Array(2 * nnz);
  const vals = new Float32Array(2 * nnz);
  let w = 0;
  for (let u = 0; u < nu; u++) {
    for (let p = ui.indptr[u] ?? 0; p < (ui.indptr[u + 1] ?? 0); p++) {
      const i = nu + (ui.indices[p] ?? 0);
      const v = 1 / Math.sqrt((deg[u] ?? 1) * (deg[i] ?? 1));
      rows[w] = u;
      cols[w] = i;
      vals[w++] = v;
      rows[w] = i;
      cols[w] = u;
      vals[w++] = v;
    }
  }
  return csrFromCoo(n, n, rows, cols, vals);
}

/** Layer-averaged propagation (1/(L+1)) Σ_l A^l X; symmetric in A, so it is also its own adjoint. */
export function layerAveragedPropagation(adj: CsrMatrix, x: Float32Array, dims: number, layers: number): Float32Array {
  const sum = Float32Array.from(x);
  let cur: Float32Array = x;
  let next: Float32Array = new Float32Array(x.length);
  for (let l = 0; l < layers; l++) {
    spmmDense(adj, cur, dims, next);
    for (let k = 0; k < sum.length; k++) sum[k] = (sum[k] ?? 0) + (next[k] ?? 0);
    const t = cur === x ? new Float32Array(x.length) : cur;
    cur = next;
    next = t;
  }
  const inv = 1 / (layers + 1);
  for (let k = 0; k < sum.length; k++) sum[k] = (sum[k] ?? 0) * inv;
  return sum;
}
