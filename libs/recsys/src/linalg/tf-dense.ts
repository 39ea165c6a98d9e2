import * as tf from '@tensorflow/tfjs';

/** C = op(A) * op(B) for row-major float32 matrices on the tfjs backend; call initTensorflow() first. */
export function denseMatMul(
  a: Float32Array,
  aShape: readonly [number, number],
  b: Float32Array,
  bShape: readonly [number, number],
  transposeA = false,
  transposeB = false,
): Float32Array {
  // The wasm matMul is several times slower with transpose flags, and reading a result inside tf.tidy is ~50x
  // slower, so operands are transposed on typed arrays first and only the op runs in the scope.
  const [ar, ac] = aShape;
  const [br, bc] = bShape;
  const aa = transposeA ? transposeDense(a, ar, ac) : a;
  const bb = transposeB ? transposeDense(b, br, bc) : b;
  const aDims: [number, number] = transposeA ? [ac, ar] : [ar, ac];
  const bDims: [number, number] = transposeB ? [bc, br] : [br, bc];
  const result = tf.tidy(() => tf.matMul(tf.tensor2d(aa, aDims), tf.tensor2d(bb, bDims)));
  try {
    return readFloat32(result);
  } finally {
    result.dispose();
  }
}

/** Row-major rows x cols -> cols x rows, blocked for cache locality. */
export function transposeDense(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const bs = 32;
  for (let r0 = 0; r0 < rows; r0 += bs) {
    const r1 = Math.min(r0 + bs, rows);
    for (let c0 = 0; c0 < cols; c0 += bs) {
      const c1 = Math.min(c0 + bs, cols);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = a[r * cols + c] ?? 0;
    }
  }
  return out;
}

export function readFloat32(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

export { tf };
