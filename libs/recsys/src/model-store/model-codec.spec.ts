import { decodeCsr, decodeUserRow, encodeCsr, encodeUserRow, toBuffer, toFloat32 } from './model-codec';

describe('model codec', () => {
  it('round-trips float32 matrices, also from unaligned buffers', () => {
    const m = Float32Array.of(1.5, -2, 3.25);
    const shifted = Buffer.concat([Buffer.from([9]), toBuffer(m)]).subarray(1);
    expect(Array.from(toFloat32(shifted))).toEqual([1.5, -2, 3.25]);
  });

  it('round-trips a CSR matrix and rejects a truncated one', () => {
    const m = {
      indptr: Int32Array.of(0, 2, 3),
      indices: Int32Array.of(1, 4, 0),
      values: Float32Array.of(0.5, 0.25, 1),
    };
    const blob = encodeCsr(2, m);
    const { rows, m: back } = decodeCsr(blob);
    expect(rows).toBe(2);
    expect(back).toEqual(m);
    expect(() => decodeCsr(blob.subarray(0, blob.length - 4))).toThrow(/CSR blob/);
  });

  it('keeps a user vector and training history in one row', () => {
    const row = encodeUserRow(Float32Array.of(0.5, -1), [7, 3, 11]);
    const { vector, history } = decodeUserRow(row, 2);
    expect(Array.from(vector)).toEqual([0.5, -1]);
    expect(Array.from(history)).toEqual([7, 3, 11]);
  });
});
