import { readFloat32, tf, transposeDense } from '../linalg/tf-dense';
import type { ScoringModel } from './scoring-model';

/** Dot-product scores from user and item embeddings (row-major Float32Array, dims columns). */
export class EmbeddingRecommender implements ScoringModel {
  readonly numItems: number;
  private itemTensor: tf.Tensor2D | null = null;

  constructor(
    readonly name: string,
    readonly userEmb: Float32Array,
    readonly itemEmb: Float32Array,
    readonly dims: number,
  ) {
    this.numItems = itemEmb.length / dims;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const d = this.dims;
    const q = new Float32Array(users.length * d);
    users.forEach((u, b) => q.set(this.userEmb.subarray(u * d, (u + 1) * d), b * d));
    this.itemTensor ??= tf.tensor2d(transposeDense(this.itemEmb, this.numItems, d), [d, this.numItems]);
    const items = this.itemTensor;
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(q, [users.length, d]), items));
    out.set(readFloat32(t));
    t.dispose();
  }

  dispose(): void {
    this.itemTensor?.dispose();
    this.itemTensor = null;
  }
}
