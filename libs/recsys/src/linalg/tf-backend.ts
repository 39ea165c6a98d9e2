import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | null = null;

/**
 * Selects the fastest TensorFlow.js backend available once per process (thread): tfjs-node when installed,
 * otherwise wasm (XNNPACK) which is ~20x faster than the plain CPU backend for the dense products we need.
 */
export function ensureTfBackend(): Promise<string> {
  ready ??= (async () => {
    const nodeBackend = '@tensorflow/tfjs-node';
    let hasNode = false;
    try {
      require.resolve(nodeBackend);
      hasNode = true;
    } catch {
      hasNode = false;
    }
    if (hasNode) {
      await import(nodeBackend);
      await tf.setBackend('tensorflow');
    } else {
      await tf.setBackend('wasm');
    }
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

/** C = op(A) * op(B) for row-major float32 matrices, via the tfjs backend (requires ensureTfBackend()). */
export function denseMatMul(
  a: Float32Array,
  aShape: readonly [number, number],
  b: Float32Array,
  bShape: readonly [number, number],
  transposeA = false,
  transposeB = false,
): Float32Array {
  // Reading the result inside tf.tidy is ~50x slower on the wasm backend, so only the op runs in the scope.
  const result = tf.tidy(() =>
    tf.matMul(tf.tensor2d(a, [aShape[0], aShape[1]]), tf.tensor2d(b, [bShape[0], bShape[1]]), transposeA, transposeB),
  );
  try {
    return readFloat32(result);
  } finally {
    result.dispose();
  }
}

export function readFloat32(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

export { tf };
