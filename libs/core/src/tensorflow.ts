import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * A separate entry point (`@offerstream/core/tensorflow`) so that importing `@offerstream/core` never loads
 * TensorFlow.js: only code that runs models pays its memory and start-up time.
 */
let ready: Promise<string> | undefined;

async function trySetBackend(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the fastest backend that works: tfjs-node when it is installed and loads, else wasm (XNNPACK, 20-40x the
 * pure-JS cpu backend for our dense products), else cpu. A tfjs-node that is present but broken (native binding
 * missing for this platform) falls back like an absent one. Called once per process or worker thread; later calls
 * share the same promise.
 */
export function initTensorflow(): Promise<string> {
  ready ??= (async () => {
    const load = createRequire(__filename);
    try {
      load('@tensorflow/tfjs-node');
      if (await trySetBackend('tensorflow')) return tf.getBackend();
    } catch {
      // tfjs-node is optional; wasm is always installed.
    }
    if (!(await trySetBackend('wasm'))) await trySetBackend('cpu');
    return tf.getBackend();
  })();
  return ready;
}
