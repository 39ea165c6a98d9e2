import * as tf from '@tensorflow/tfjs';
import { initTensorflow } from './tensorflow';

describe('initTensorflow', () => {
  it('settles on a working backend once and computes with it', async () => {
    const backend = await initTensorflow();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
    expect(await initTensorflow()).toBe(backend);
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
    product.dispose();
  });
});
