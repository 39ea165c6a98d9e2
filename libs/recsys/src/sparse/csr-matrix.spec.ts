import { csrFromCoo, csrToDense, scaleCsr, spmmDense, transposeCsr } from './csr-matrix';

function denseMul(a: Float64Array, rows: number, inner: number, x: Float32Array, m: number): Float64Array {
  const out = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < inner; k++)
      for (let j = 0; j < m; j++)
        out[r * m + j] = (out[r * m + j] ?? 0) + (a[r * inner + k] ?? 0) * (x[k * m + j] ?? 0);
  return out;
}

describe('CSR sparse operations', () => {
  const a = csrFromCoo(3, 4, [0, 0, 1, 2, 2, 0], [1, 3, 0, 2, 3, 1], [1, 2, 3, 4, 5, 0.5]);

  it('sums duplicate coordinates and sorts columns within a row', () => {
    expect(Array.from(a.indptr)).toEqual([0, 2, 3, 5]);
    expect(Array.from(a.indices)).toEqual([1, 3, 0, 2, 3]);
    expect(Array.from(a.values)).toEqual([1.5, 2, 3, 4, 5]);
  });

  it('multiplies a dense block exactly like the dense reference', () => {
    const x = Float32Array.from({ length: 4 * 3 }, (_, i) => (i % 5) - 2);
    const got = spmmDense(a, x, 3);
    const want = denseMul(csrToDense(a), 3, 4, x, 3);
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it('transposes to the dense transpose and scales rows and columns', () => {
    const t = csrToDense(transposeCsr(a));
    const d = csrToDense(a);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(t[c * 3 + r]).toBe(d[r * 4 + c]);
    const s = csrToDense(scaleCsr(a, Float32Array.of(1, 2, 3), Float32Array.of(1, 1, 0.5, 2)));
    expect(s[0 * 4 + 3]).toBeCloseTo(4);
    expect(s[2 * 4 + 2]).toBeCloseTo(6);
    expect(s[1 * 4 + 0]).toBeCloseTo(6);
  });
});
