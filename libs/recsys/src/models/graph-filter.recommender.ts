import { ValidationError } from '@offerstream/core';
import type { InteractionGraph } from '../graph/interaction-graph';
import { randomizedSvd } from '../linalg/randomized-eigen';
import { readFloat32, tf, transposeDense } from '../linalg/tf-dense';
import { scaleCsr, transposeCsr, type CsrMatrix } from '../sparse/csr-matrix';
import type { ProgressFn, ScoringModel } from './scoring-model';

export interface GraphFilterOptions {
  /** Number of right singular vectors of the normalised matrix kept for the ideal low-pass filter. */
  readonly rank?: number;
  readonly oversample?: number;
  readonly iterations?: number;
  /** Weight of the ideal low-pass filter (alpha in GF-CF, beta in BSPM). */
  readonly idealWeight?: number;
  /** Sharpening time T of one explicit Euler step of ds/dt = -s P (BSPM); 0 gives plain GF-CF. */
  readonly sharpen?: number;
  readonly seed?: number;
  readonly onProgress?: ProgressFn;
}

/**
 * Training-free graph filter over R̃ = D_U^{-1/2} R D_I^{-1/2} with P = R̃ᵀR̃ (GF-CF, Shen et al. 2021) and an
 * optional BSPM-style sharpening step (Choi et al. 2023):
 *
 *   blur(s)    = s P + β s D^{-1/2} V Vᵀ D^{1/2}
 *   score(s)   = blur(s) - T blur(s) P
 *
 * The linear part s P is exact (two sparse products per user, never an items x items matrix). The sharpening
 * product blur(s) P is taken in the rank-k spectral basis, where P acts as Σ² (so s P P ≈ s·V Σ⁴ Vᵀ): the
 * spectrum of P² decays as σ⁴, so its top-k part carries almost all of it, and the whole low-rank part folds
 * into one k-dim filter with per-component weights w_j = β - T(σ_j⁴ + β σ_j²).
 */
export class GraphFilterRecommender implements ScoringModel {
  readonly name: string;
  readonly numItems: number;
  readonly numUsers: number;
  readonly rank: number;
  readonly sigma: Float64Array;
  /** D_I^{-1/2} V and D_I^{1/2} V, items x rank. */
  readonly itemLeft: Float32Array;
  readonly itemRight: Float32Array;
  private weights: Float32Array;
  private idealWeightValue: number;
  private sharpenValue: number;
  private readonly norm: CsrMatrix;
  private readonly normT: CsrMatrix;
  private rightTensor: tf.Tensor2D | null = null;
  private readonly acc: Float32Array;
  private readonly touched: Int32Array;

  private constructor(
    private readonly graph: InteractionGraph,
    norm: CsrMatrix,
    normT: CsrMatrix,
    v: Float32Array,
    sigma: Float64Array,
    itemDeg: Float32Array,
    idealWeight: number,
    sharpen: number,
  ) {
    this.numItems = graph.numItems;
    this.numUsers = graph.numUsers;
    this.norm = norm;
    this.normT = normT;
    this.sigma = sigma;
    this.rank = sigma.length;
    const k = this.rank;
    this.itemLeft = new Float32Array(this.numItems * k);
    this.itemRight = new Float32Array(this.numItems * k);
    for (let i = 0; i < this.numItems; i++) {
      const d = itemDeg[i] ?? 0;
      const l = d > 0 ? 1 / Math.sqrt(d) : 0;
      const r = Math.sqrt(d);
      for (let c = 0; c < k; c++) {
        const x = v[i * k + c] ?? 0;
        this.itemLeft[i * k + c] = l * x;
        this.itemRight[i * k + c] = r * x;
      }
    }
    this.idealWeightValue = idealWeight;
    this.sharpenValue = sharpen;
    this.weights = new Float32Array(k);
    this.setFilter(idealWeight, sharpen);
    this.name = sharpen > 0 ? 'graph-filter' : 'gf-cf';
    this.acc = new Float32Array(this.numUsers);
    this.touched = new Int32Array(this.numUsers);
  }

  static fit(graph: InteractionGraph, options: GraphFilterOptions = {}): GraphFilterRecommender {
    const userDeg = new Float32Array(graph.numUsers);
    for (let u = 0; u < graph.numUsers; u++) userDeg[u] = graph.itemsOf(u).length;
    const itemDeg = graph.itemDegrees();
    const invSqrt = (d: Float32Array): Float32Array => d.map((x) => (x > 0 ? 1 / Math.sqrt(x) : 0));
    const norm = scaleCsr(graph.userItems, invSqrt(userDeg), invSqrt(itemDeg));
    const normT = transposeCsr(norm);
    const rank = Math.min(options.rank ?? 256, graph.numItems, graph.numUsers);
    const svd = randomizedSvd(norm, normT, {
      rank,
      oversample: options.oversample ?? 64,
      iterations: options.iterations ?? 6,
      seed: options.seed ?? 7,
      onIteration: (it, total) => options.onProgress?.({ stage: 'svd', iteration: it, total }),
    });
    return new GraphFilterRecommender(
      graph,
      norm,
      normT,
      svd.v,
      svd.sigma,
      itemDeg,
      options.idealWeight ?? 0.3,
      options.sharpen ?? 0,
    );
  }

  /** R̃ = D_U^{-1/2} R D_I^{-1/2}, users x items. */
  get normalizedMatrix(): CsrMatrix {
    return this.norm;
  }

  get idealWeight(): number {
    return this.idealWeightValue;
  }

  get sharpen(): number {
    return this.sharpenValue;
  }

  setFilter(idealWeight: number, sharpen: number): void {
    if (!(idealWeight >= 0) || !(sharpen >= 0)) {
      throw new ValidationError('filter weights must be non-negative', { idealWeight, sharpen });
    }
    this.idealWeightValue = idealWeight;
    this.sharpenValue = sharpen;
    this.sigma.forEach((s, c) => {
      const s2 = s * s;
      this.weights[c] = idealWeight - sharpen * (s2 * s2 + idealWeight * s2);
    });
  }

  /** s P for one binary interaction row, added into out[offset..]: the exact linear (item-item) filter. */
  addPropagation(items: ArrayLike<number>, out: Float32Array, offset: number, scale = 1): void {
    const { acc, touched } = this;
    const nt = this.normT;
    const nm = this.norm;
    let t = 0;
    for (let a = 0; a < items.length; a++) {
      const i = items[a] ?? 0;
      const e = nt.indptr[i + 1] ?? 0;
      for (let p = nt.indptr[i] ?? 0; p < e; p++) {
        const v = nt.indices[p] ?? 0;
        if (acc[v] === 0) touched[t++] = v;
        acc[v] = (acc[v] ?? 0) + (nt.values[p] ?? 0);
      }
    }
    for (let c = 0; c < t; c++) {
      const v = touched[c] ?? 0;
      const w = (acc[v] ?? 0) * scale;
      acc[v] = 0;
      const e = nm.indptr[v + 1] ?? 0;
      for (let p = nm.indptr[v] ?? 0; p < e; p++) {
        const j = offset + (nm.indices[p] ?? 0);
        out[j] = (out[j] ?? 0) + w * (nm.values[p] ?? 0);
      }
    }
  }

  /** s D^{-1/2} V diag(weights) for each history: the user side of the low-rank part (B x rank). */
  userFactors(histories: readonly ArrayLike<number>[], weights: ArrayLike<number> = this.weights): Float32Array {
    const k = this.rank;
    const out = new Float32Array(histories.length * k);
    histories.forEach((items, b) => {
      const base = b * k;
      for (let a = 0; a < items.length; a++) {
        const ib = (items[a] ?? 0) * k;
        for (let c = 0; c < k; c++) out[base + c] = (out[base + c] ?? 0) + (this.itemLeft[ib + c] ?? 0);
      }
      for (let c = 0; c < k; c++) out[base + c] = (out[base + c] ?? 0) * (weights[c] ?? 0);
    });
    return out;
  }

  /** factors (B x rank) times (D^{1/2} V)ᵀ added into out (B x items). */
  addLowRank(factors: Float32Array, rows: number, out: Float32Array): void {
    this.rightTensor ??= tf.tensor2d(transposeDense(this.itemRight, this.numItems, this.rank), [
      this.rank,
      this.numItems,
    ]);
    const right = this.rightTensor;
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(factors, [rows, this.rank]), right));
    const prod = readFloat32(t);
    t.dispose();
    for (let x = 0; x < rows * this.numItems; x++) out[x] = (out[x] ?? 0) + (prod[x] ?? 0);
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const histories = Array.from(users, (u) => this.graph.itemsOf(u));
    this.scoreHistories(histories, out);
  }

  /** Scores for arbitrary histories (fold-in of new users: the filter applied to their interaction row). */
  scoreHistories(histories: readonly ArrayLike<number>[], out: Float32Array): void {
    out.fill(0, 0, histories.length * this.numItems);
    histories.forEach((items, b) => this.addPropagation(items, out, b * this.numItems));
    this.addLowRank(this.userFactors(histories), histories.length, out);
  }

  /** Frees the tensor held on the tfjs backend. */
  dispose(): void {
    this.rightTensor?.dispose();
    this.rightTensor = null;
  }
}
