import { ValidationError } from '@offerstream/core';

/** Compressed sparse row matrix; `values` are float32 because every consumer ends in float32 scores. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Builds a CSR matrix from coordinate lists; duplicate (row, col) pairs are summed, columns sorted per row. */
export function csrFromCoo(
  rows: number,
  cols: number,
  rowIdx: ArrayLike<number>,
  colIdx: ArrayLike<number>,
  vals?: ArrayLike<number>,
): CsrMatrix {
  const n = rowIdx.length;
  if (colIdx.length !== n || (vals !== undefined && vals.length !== n)) {
    throw new ValidationError('coordinate arrays differ in length', { rows: n, cols: colIdx.length });
  }
  const counts = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) {
    const r = rowIdx[k] ?? -1;
    const c = colIdx[k] ?? -1;
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new ValidationError('coordinate out of range', { row: r, col: c, rows, cols });
    }
    counts[r + 1] = (counts[r + 1] ?? 0) + 1;
  }
  for (let r = 0; r < rows; r++) counts[r + 1] = (counts[r + 1] ?? 0) + (counts[r] ?? 0);
  const fill = counts.slice(0, rows);
  const cidx = new Int32Array(n);
  const cval = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rowIdx[k] ?? 0;
    const pos = fill[r] ?? 0;
    fill[r] = pos + 1;
    cidx[pos] = colIdx[k] ?? 0;
    cval[pos] = vals === undefined ? 1 : (vals[k] ?? 0);
  }
  // Sort each row by column and merge duplicates.
  const outPtr = new Int32Array(rows + 1);
  const outIdx = new Int32Array(n);
  const outVal = new Float32Array(n);
  let w = 0;
  const order: number[] = [];
  for (let r = 0; r < rows; r++) {
    const s = counts[r] ?? 0;
    const e = counts[r + 1] ?? 0;
    order.length = 0;
    for (let k = s; k < e; k++) order.push(k);
    order.sort((a, b) => (cidx[a] ?? 0) - (cidx[b] ?? 0));
    let last = -1;
    for (const k of order) {
      const c = cidx[k] ?? 0;
      if (c === last) {
        outVal[w - 1] = (outVal[w - 1] ?? 0) + (cval[k] ?? 0);
      } else {
        outIdx[w] = c;
        outVal[w] = cval[k] ?? 0;
        w++;
        last = c;
      }
    }
    outPtr[r + 1] = w;
  }
  return { rows, cols, indptr: outPtr, indices: outIdx.slice(0, w), values: outVal.slice(0, w) };
}

export function transposeCsr(a: CsrMatrix): CsrMatrix {
  const nnz = a.indices.length;
  const ptr = new Int32Array(a.cols + 1);
  for (let k = 0; k < nnz; k++) {
    const c = a.indices[k] ?? 0;
    ptr[c + 1] = (ptr[c + 1] ?? 0) + 1;
  }
  for (let c = 0; c < a.cols; c++) ptr[c + 1] = (ptr[c + 1] ?? 0) + (ptr[c] ?? 0);
  const fill = ptr.slice(0, a.cols);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  for (let r = 0; r < a.rows; r++) {
    const e = a.indptr[r + 1] ?? 0;
    for (let k = a.indptr[r] ?? 0; k < e; k++) {
      const c = a.indices[k] ?? 0;
      const pos = fill[c] ?? 0;
      fill[c] = pos + 1;
      idx[pos] = r;
      val[pos] = a.values[k] ?? 0;
    }
  }
  return { rows: a.cols, cols: a.rows, indptr: ptr, indices: idx, values: val };
}

/** diag(left) * A * diag(right), returned as a new matrix with the same pattern. */
export function scaleCsr(a: CsrMatrix, left: Float32Array | null, right: Float32Array | null): CsrMatrix {
  const values = new Float32Array(a.values.length);
  for (let r = 0; r < a.rows; r++) {
    const lr = left === null ? 1 : (left[r] ?? 0);
    const e = a.indptr[r + 1] ?? 0;
    for (let k = a.indptr[r] ?? 0; k < e; k++) {
      const rc = right === null ? 1 : (right[a.indices[k] ?? 0] ?? 0);
      values[k] = lr * (a.values[k] ?? 0) * rc;
    }
  }
  return { ...a, values };
}

export function rowSums(a: CsrMatrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    const e = a.indptr[r + 1] ?? 0;
    for (let k = a.indptr[r] ?? 0; k < e; k++) s += a.values[k] ?? 0;
    out[r] = s;
  }
  return out;
}

/** A (rows x cols) times dense X (cols x m, row-major) into out (rows x m, row-major). */
export function spmmDense(a: CsrMatrix, x: Float32Array, m: number, out?: Float32Array): Float32Array {
  if (x.length !== a.cols * m)
    throw new ValidationError('dense operand has wrong size', { expected: a.cols * m, got: x.length });
  const y = out ?? new Float32Array(a.rows * m);
  y.fill(0);
  const { indptr, indices, values } = a;
  for (let r = 0; r < a.rows; r++) {
    const base = r * m;
    const e = indptr[r + 1] ?? 0;
    for (let k = indptr[r] ?? 0; k < e; k++) {
      const v = values[k] ?? 0;
      const xb = (indices[k] ?? 0) * m;
      for (let j = 0; j < m; j++) y[base + j] = (y[base + j] ?? 0) + v * (x[xb + j] ?? 0);
    }
  }
  return y;
}

/** Dense row-major copy; for tests and tiny matrices only. */
export function csrToDense(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.rows * a.cols);
  for (let r = 0; r < a.rows; r++) {
    const e = a.indptr[r + 1] ?? 0;
    for (let k = a.indptr[r] ?? 0; k < e; k++) d[r * a.cols + (a.indices[k] ?? 0)] = a.values[k] ?? 0;
  }
  return d;
}
