import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;

/**
 * Picks the fastest backend present: tfjs-node when installed, else wasm (about 40x the pure-JS cpu backend
 * here). Called once per process / worker thread; later calls share the same promise.
 */
export function initTensorflow(): Promise<string> {
  ready ??= (async () => {
    const load = createRequire(__filename);
    try {
      load.resolve('@tensorflow/tfjs-node');
      load('@tensorflow/tfjs-node');
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // tfjs-node is optional; wasm is always installed.
    }
    if (!(await tf.setBackend('wasm'))) await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}
