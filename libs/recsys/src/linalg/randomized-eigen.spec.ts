import { csrFromCoo, transposeCsr } from '../sparse/csr-matrix';
import { seededRandom, gaussian } from '@offerstream/core';
import { randomizedSvd } from './randomized-eigen';
import { initTensorflow } from '@offerstream/core/tensorflow';

describe('randomized SVD', () => {
  beforeAll(async () => {
    await initTensorflow();
  });

  it('reconstructs a low-rank matrix from its top right singular vectors', () => {
    const rows = 60;
    const cols = 40;
    const rank = 3;
    const rng = seededRandom(1);
    const u = Array.from({ length: rows * rank }, () => gaussian(rng));
    const v = Array.from({ length: cols * rank }, () => gaussian(rng));
    const ri: number[] = [];
    const ci: number[] = [];
    const vals: number[] = [];
    const dense = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < rank; k++) s += (u[r * rank + k] ?? 0) * (v[c * rank + k] ?? 0);
        dense[r * cols + c] = s;
        ri.push(r);
        ci.push(c);
        vals.push(s);
      }
    }
    const a = csrFromCoo(rows, cols, ri, ci, vals);
    const svd = randomizedSvd(a, transposeCsr(a), { rank, oversample: 5, iterations: 4 });
    // A V Vᵀ must equal A when V spans the row space.
    let err = 0;
    let norm = 0;
    for (let r = 0; r < rows; r++) {
      const proj = new Float64Array(rank);
      for (let k = 0; k < rank; k++)
        for (let c = 0; c < cols; c++)
          proj[k] = (proj[k] ?? 0) + (dense[r * cols + c] ?? 0) * (svd.v[c * rank + k] ?? 0);
      for (let c = 0; c < cols; c++) {
        let rec = 0;
        for (let k = 0; k < rank; k++) rec += (proj[k] ?? 0) * (svd.v[c * rank + k] ?? 0);
        err += (rec - (dense[r * cols + c] ?? 0)) ** 2;
        norm += (dense[r * cols + c] ?? 0) ** 2;
      }
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-3);
    expect(svd.sigma[0] ?? 0).toBeGreaterThanOrEqual(svd.sigma[1] ?? 0);
    expect(svd.sigma[1] ?? 0).toBeGreaterThanOrEqual(svd.sigma[2] ?? 0);
  });
});
