import type { ScoringModel } from './scoring-model';

/**
 * Convex blend of two scorers: each user's scores are divided by that user's largest score first, so the weight
 * means a share of the ranking signal whatever scale each model scores in (item-kNN sums, user-kNN sums, dot products).
 */
export class BlendRecommender implements ScoringModel {
  readonly name: string;
  readonly numItems: number;
  private scratch = new Float32Array(0);

  constructor(
    private readonly a: ScoringModel,
    private readonly b: ScoringModel,
    /** Weight of `a`; `b` gets 1 - weight. */
    readonly weight: number,
  ) {
    if (a.numItems !== b.numItems) throw new RangeError('blended models must score the same items');
    this.numItems = a.numItems;
    this.name = `${a.name}+${b.name}@${weight}`;
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const n = this.numItems;
    const cells = users.length * n;
    if (this.weight >= 1) return this.a.scoreUsers(users, out);
    if (this.weight <= 0) return this.b.scoreUsers(users, out);
    if (this.scratch.length < cells) this.scratch = new Float32Array(cells);
    this.a.scoreUsers(users, out);
    this.b.scoreUsers(users, this.scratch);
    for (let u = 0; u < users.length; u++) {
      const off = u * n;
      const ma = maxOf(out, off, n);
      const mb = maxOf(this.scratch, off, n);
      const wa = ma > 0 ? this.weight / ma : 0;
      const wb = mb > 0 ? (1 - this.weight) / mb : 0;
      for (let j = off; j < off + n; j++) out[j] = wa * (out[j] ?? 0) + wb * (this.scratch[j] ?? 0);
    }
  }
}

function maxOf(x: Float32Array, off: number, n: number): number {
  let m = 0;
  for (let j = off; j < off + n; j++) if ((x[j] ?? 0) > m) m = x[j] ?? 0;
  return m;
}
