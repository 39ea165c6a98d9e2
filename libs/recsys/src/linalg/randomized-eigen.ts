import { CholeskyDecomposition, EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { ValidationError, seededRandom, gaussian } from '@offerstream/core';
import { spmmDense, type CsrMatrix } from '../sparse/csr-matrix';
import { denseMatMul } from './tf-dense';

export interface TruncatedSvd {
  /** Right singular vectors, cols x rank, row-major. */
  readonly v: Float32Array;
  /** Singular values, descending. */
  readonly sigma: Float64Array;
  readonly rank: number;
}

export interface RandomizedSvdOptions {
  readonly rank: number;
  readonly oversample?: number;
  readonly iterations?: number;
  readonly seed?: number;
  readonly onIteration?: (iteration: number, total: number) => void;
}

/**
 * Top right singular vectors of a sparse A by block subspace iteration on AᵀA (Halko et al. 2011): the sparse
 * products run on typed arrays, the dense m x m pieces in float64 with ml-matrix, the tall dense products on
 * the tfjs backend. Orthonormalisation is eigen-based Cholesky-QR done twice, which is stable here because
 * the block is re-orthonormalised every iteration and so stays well conditioned.
 */
export function randomizedSvd(a: CsrMatrix, at: CsrMatrix, options: RandomizedSvdOptions): TruncatedSvd {
  const n = a.cols;
  const rank = Math.min(options.rank, n, a.rows);
  if (rank < 1) throw new ValidationError('rank must be at least 1', { rank: options.rank });
  const m = Math.min(rank + (options.oversample ?? 64), n, a.rows);
  const iterations = options.iterations ?? 6;
  const rng = seededRandom(options.seed ?? 7);
  let q: Float32Array = new Float32Array(n * m);
  for (let k = 0; k < q.length; k++) q[k] = gaussian(rng);
  q = orthonormalize(q, n, m);
  const z = new Float32Array(a.rows * m);
  const y = new Float32Array(n * m);
  for (let it = 0; it < iterations; it++) {
    spmmDense(a, q, m, z);
    spmmDense(at, z, m, y);
    // One Cholesky-QR pass per iteration suffices: Y = AᵀA Q with orthonormal Q has cond(Y) <= σ₁²/σ_m².
    q = orthonormalize(y, n, m);
    options.onIteration?.(it + 1, iterations);
  }
  // Rayleigh-Ritz: eigenpairs of Qᵀ AᵀA Q = (AQ)ᵀ(AQ).
  spmmDense(a, q, m, z);
  const gram = denseMatMul(z, [a.rows, m], z, [a.rows, m], true, false);
  const eig = new EigenvalueDecomposition(symmetricMatrix(gram, m), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((x, w) => (values[w] ?? 0) - (values[x] ?? 0));
  const w = new Float32Array(m * rank);
  const sigma = new Float64Array(rank);
  for (let c = 0; c < rank; c++) {
    const src = order[c] ?? 0;
    sigma[c] = Math.sqrt(Math.max(values[src] ?? 0, 0));
    for (let r = 0; r < m; r++) w[r * rank + c] = vectors.get(r, src);
  }
  const v = denseMatMul(q, [n, m], w, [m, rank]);
  return { v, sigma, rank };
}

function symmetricMatrix(data: Float32Array, m: number): Matrix {
  const out = new Matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) out.set(i, j, 0.5 * ((data[i * m + j] ?? 0) + (data[j * m + i] ?? 0)));
  }
  return out;
}

/**
 * Cholesky-QR: Y (n x m) -> Y L⁻ᵀ where YᵀY = L Lᵀ. Falls back to the eigen form Y W Λ^{-1/2} (dropping
 * directions with negligible energy) when the Gram matrix is numerically singular.
 */
export function orthonormalize(y: Float32Array, n: number, m: number): Float32Array {
  const gram = symmetricMatrix(denseMatMul(y, [n, m], y, [n, m], true, false), m);
  const chol = new CholeskyDecomposition(gram);
  const t = new Float32Array(m * m);
  if (chol.isPositiveDefinite()) {
    const lInvT = inverse(chol.lowerTriangularMatrix).transpose();
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) t[r * m + c] = lInvT.get(r, c);
  } else {
    const eig = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
    const values = eig.realEigenvalues;
    const maxVal = Math.max(...values, 0);
    for (let c = 0; c < m; c++) {
      const lam = values[c] ?? 0;
      const scale = lam > maxVal * 1e-10 && lam > 0 ? 1 / Math.sqrt(lam) : 0;
      for (let r = 0; r < m; r++) t[r * m + c] = eig.eigenvectorMatrix.get(r, c) * scale;
    }
  }
  return denseMatMul(y, [n, m], t, [m, m]);
}
