import type { NormalizedInteractions } from '../worker/graph-model.types';

/** Typed arrays go to Redis as their raw little-endian bytes (every supported platform is little-endian). */
export function toBuffer(a: Float32Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Redis buffers can start at any byte offset, so they are copied once into aligned storage. */
function aligned(buf: Buffer, start = 0, end = buf.byteLength): ArrayBuffer {
  const copy = new Uint8Array(end - start);
  copy.set(buf.subarray(start, end));
  return copy.buffer;
}

export function toFloat32(buf: Buffer): Float32Array {
  if (buf.byteLength % 4 !== 0) throw new Error(`float32 blob of ${buf.byteLength} bytes`);
  return new Float32Array(aligned(buf));
}

/** CSR blob: [rows u32][nnz u32][indptr i32 × rows+1][indices i32 × nnz][values f32 × nnz]. */
export function encodeCsr(rows: number, m: NormalizedInteractions): Buffer {
  const nnz = m.indices.length;
  const head = Buffer.alloc(8);
  head.writeUInt32LE(rows, 0);
  head.writeUInt32LE(nnz, 4);
  return Buffer.concat([head, toBuffer(m.indptr), toBuffer(m.indices), toBuffer(m.values)]);
}

export function decodeCsr(buf: Buffer): { rows: number; m: NormalizedInteractions } {
  const rows = buf.readUInt32LE(0);
  const nnz = buf.readUInt32LE(4);
  const a = 8;
  const b = a + 4 * (rows + 1);
  const c = b + 4 * nnz;
  const d = c + 4 * nnz;
  if (buf.byteLength !== d) throw new Error(`CSR blob of ${buf.byteLength} bytes, expected ${d}`);
  return {
    rows,
    m: {
      indptr: new Int32Array(aligned(buf, a, b)),
      indices: new Int32Array(aligned(buf, b, c)),
      values: new Float32Array(aligned(buf, c, d)),
    },
  };
}

/** One user's row: the user vector then the item indices the user was trained on. */
export function encodeUserRow(vector: Float32Array, history: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(4 * (vector.length + history.length));
  toBuffer(vector).copy(out, 0);
  for (let k = 0; k < history.length; k++) out.writeInt32LE(history[k] ?? 0, 4 * (vector.length + k));
  return out;
}

export function decodeUserRow(buf: Buffer, dims: number): { vector: Float32Array; history: Int32Array } {
  if (buf.byteLength < 4 * dims || buf.byteLength % 4 !== 0)
    throw new Error(`user row of ${buf.byteLength} bytes for ${dims} dims`);
  return {
    vector: new Float32Array(aligned(buf, 0, 4 * dims)),
    history: new Int32Array(aligned(buf, 4 * dims)),
  };
}
