import { ValidationError, SeededRandom } from '@offerstream/core';
import { BinnedMatrix } from './feature-binning';

export type BoostingLoss = 'logistic' | 'squared';

export interface BoostingParams {
  readonly loss: BoostingLoss;
  readonly maxTrees: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  /** Minimum hessian mass per leaf; with logistic loss this is roughly p(1-p) * rows. */
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly subsample: number;
  readonly maxBins: number;
  readonly seed: number;
}

export const DEFAULT_BOOSTING_PARAMS: BoostingParams = {
  loss: 'logistic',
  maxTrees: 300,
  learningRate: 0.05,
  maxDepth: 3,
  minChildWeight: 20,
  lambda: 10,
  subsample: 0.8,
  maxBins: 64,
  seed: 1,
};

/** Flat tree: feature -1 marks a leaf; a row goes left when x[feature] <= threshold. */
export interface SerializedTree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
}

export interface SerializedBoostedModel {
  readonly kind: 'gradient-boosting';
  readonly loss: BoostingLoss;
  readonly base: number;
  readonly trees: SerializedTree[];
}

export interface BoostingData {
  readonly x: readonly (readonly number[])[];
  readonly y: ArrayLike<number>;
  readonly weight?: ArrayLike<number>;
  /**
   * Starting margin per row. When given the fitted model is a pure correction (base 0) on top of it, which
   * is how arm offsets and shared models are stacked.
   */
  readonly initMargin?: ArrayLike<number>;
}

/** Gradient-boosted trees (second-order, histogram splits). Predicts a probability or a mean. */
export class BoostedTrees {
  constructor(
    readonly loss: BoostingLoss,
    readonly base: number,
    readonly trees: readonly SerializedTree[],
  ) {}

  static fromJSON(json: SerializedBoostedModel): BoostedTrees {
    if (json.kind !== 'gradient-boosting') throw new ValidationError('not a gradient-boosting model');
    return new BoostedTrees(json.loss, json.base, json.trees);
  }

  toJSON(): SerializedBoostedModel {
    return { kind: 'gradient-boosting', loss: this.loss, base: this.base, trees: [...this.trees] };
  }

  /** Raw margin (log-odds for logistic) using the first `nTrees` trees. */
  margin(x: readonly number[], nTrees = this.trees.length): number {
    let s = this.base;
    const limit = Math.min(nTrees, this.trees.length);
    for (let t = 0; t < limit; t++) s += evalTree(this.trees[t] as SerializedTree, x);
    return s;
  }

  predict(x: readonly number[]): number {
    const m = this.margin(x);
    return this.loss === 'logistic' ? sigmoid(m) : m;
  }

  truncate(nTrees: number): BoostedTrees {
    return new BoostedTrees(this.loss, this.base, this.trees.slice(0, nTrees));
  }
}

/**
 * One ensemble whose margin is the weighted mean of the given ensembles' margins (leaf values scaled, trees
 * concatenated), so a bagged model keeps the plain serialized format.
 */
export function averageBoostedTrees(models: readonly BoostedTrees[], weights?: readonly number[]): BoostedTrees {
  const first = models[0];
  if (!first) throw new ValidationError('cannot average zero models');
  if (models.some((m) => m.loss !== first.loss))
    throw new ValidationError('cannot average models with different losses');
  const w = weights ?? models.map(() => 1 / models.length);
  let base = 0;
  const trees: SerializedTree[] = [];
  models.forEach((m, k) => {
    const wk = w[k] as number;
    base += wk * m.base;
    for (const t of m.trees) trees.push({ ...t, value: t.value.map((v) => v * wk) });
  });
  return new BoostedTrees(first.loss, base, trees);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function evalTree(tree: SerializedTree, x: readonly number[]): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return tree.value[node] as number;
    node =
      (x[f] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
}

export interface BoostingFit {
  readonly model: BoostedTrees;
  /** Validation loss after each tree, when validation data was given. */
  readonly validationLoss: number[];
  /** Validation loss before the first tree (the base or initial margins alone). */
  readonly initialValidationLoss: number;
  readonly bestTrees: number;
}

/**
 * Fits up to maxTrees trees; with validation data it keeps the prefix with the lowest validation loss and
 * stops after `patience` trees without improvement.
 */
export function fitBoostedTrees(
  train: BoostingData,
  params: Partial<BoostingParams> = {},
  validation?: BoostingData,
  patience = 50,
): BoostingFit {
  const p: BoostingParams = { ...DEFAULT_BOOSTING_PARAMS, ...params };
  const n = train.x.length;
  if (n === 0) throw new ValidationError('cannot fit boosted trees on zero rows');
  const binned = new BinnedMatrix(train.x, p.maxBins);
  const w = new Float64Array(n);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    w[i] = train.weight ? (train.weight[i] as number) : 1;
    sw += w[i] as number;
    swy += (w[i] as number) * (train.y[i] as number);
  }
  const mean = swy / sw;
  const base = train.initMargin ? 0 : p.loss === 'logistic' ? Math.log(clampProb(mean) / (1 - clampProb(mean))) : mean;
  const margin = new Float64Array(n).fill(base);
  if (train.initMargin) for (let i = 0; i < n; i++) margin[i] = train.initMargin[i] as number;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rng = new SeededRandom(p.seed);
  const trees: SerializedTree[] = [];
  const validationLoss: number[] = [];
  const vMargin = validation ? new Float64Array(validation.x.length).fill(base) : null;
  if (validation?.initMargin && vMargin)
    for (let i = 0; i < vMargin.length; i++) vMargin[i] = validation.initMargin[i] as number;
  let initialValidationLoss = NaN;
  if (validation && vMargin) {
    let loss = 0;
    let vw = 0;
    for (let i = 0; i < vMargin.length; i++) {
      const wi = validation.weight ? (validation.weight[i] as number) : 1;
      loss += wi * pointLoss(p.loss, vMargin[i] as number, validation.y[i] as number);
      vw += wi;
    }
    initialValidationLoss = loss / vw;
  }
  let best = Number.isNaN(initialValidationLoss) ? Infinity : initialValidationLoss;
  let bestTrees = 0;
  const grower = new TreeGrower(binned, p);

  for (let t = 0; t < p.maxTrees; t++) {
    for (let i = 0; i < n; i++) {
      const y = train.y[i] as number;
      const wi = w[i] as number;
      if (p.loss === 'logistic') {
        const pr = sigmoid(margin[i] as number);
        grad[i] = wi * (pr - y);
        hess[i] = wi * Math.max(pr * (1 - pr), 1e-6);
      } else {
        grad[i] = wi * ((margin[i] as number) - y);
        hess[i] = wi;
      }
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (p.subsample >= 1 || rng.next() < p.subsample) sample.push(i);
    const { tree, bins } = grower.grow(Int32Array.from(sample), grad, hess);
    trees.push(tree);
    // Update margins through the binned codes (identical routing to the raw thresholds).
    for (let i = 0; i < n; i++) margin[i] = (margin[i] as number) + evalBinnedTree(tree, bins, binned, i);
    if (validation && vMargin) {
      let loss = 0;
      let vw = 0;
      for (let i = 0; i < validation.x.length; i++) {
        vMargin[i] = (vMargin[i] as number) + evalTree(tree, validation.x[i] as readonly number[]);
        const wi = validation.weight ? (validation.weight[i] as number) : 1;
        loss += wi * pointLoss(p.loss, vMargin[i] as number, validation.y[i] as number);
        vw += wi;
      }
      loss /= vw;
      validationLoss.push(loss);
      if (loss < best - 1e-12) {
        best = loss;
        bestTrees = t + 1;
      } else if (t + 1 - bestTrees >= patience) {
        break;
      }
    }
  }
  const model = new BoostedTrees(p.loss, base, trees);
  return validation
    ? { model: model.truncate(bestTrees), validationLoss, initialValidationLoss, bestTrees }
    : { model, validationLoss, initialValidationLoss, bestTrees: trees.length };
}

export function pointLoss(loss: BoostingLoss, margin: number, y: number): number {
  if (loss === 'squared') return (margin - y) ** 2;
  // log(1 + e^m) - y m, computed stably.
  const softplus = margin > 0 ? margin + Math.log1p(Math.exp(-margin)) : Math.log1p(Math.exp(margin));
  return softplus - y * margin;
}

function clampProb(p: number): number {
  return Math.min(1 - 1e-6, Math.max(1e-6, p));
}

/** Split bins live beside each tree during training only; serialized trees carry raw thresholds. */
function evalBinnedTree(tree: SerializedTree, splitBins: readonly number[], binned: BinnedMatrix, row: number): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return tree.value[node] as number;
    const bin = binned.bins[f * binned.rows + row] as number;
    node = bin <= (splitBins[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
}

class TreeGrower {
  private readonly histG: Float64Array;
  private readonly histH: Float64Array;
  private readonly histN: Float64Array;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly p: BoostingParams,
  ) {
    this.histG = new Float64Array(256);
    this.histH = new Float64Array(256);
    this.histN = new Float64Array(256);
  }

  grow(rows: Int32Array, grad: Float64Array, hess: Float64Array): { tree: SerializedTree; bins: number[] } {
    const tree: SerializedTree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const bins: number[] = [];
    this.node(tree, bins, rows, grad, hess, 0);
    return { tree, bins };
  }

  private node(
    tree: SerializedTree,
    bins: number[],
    rows: Int32Array,
    grad: Float64Array,
    hess: Float64Array,
    depth: number,
  ): number {
    const id = tree.feature.length;
    let G = 0;
    let H = 0;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] as number;
      G += grad[i] as number;
      H += hess[i] as number;
    }
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push((-G / (H + this.p.lambda)) * this.p.learningRate);
    bins.push(-1);
    if (depth >= this.p.maxDepth || H < 2 * this.p.minChildWeight) return id;

    const { binned, p } = this;
    const parentScore = (G * G) / (H + p.lambda);
    let bestGain = 1e-9;
    let bestFeature = -1;
    let bestBin = -1;
    for (let f = 0; f < binned.features; f++) {
      const nb = (binned.cuts[f] as Float64Array).length + 1;
      if (nb < 2) continue;
      this.histG.fill(0, 0, nb);
      this.histH.fill(0, 0, nb);
      this.histN.fill(0, 0, nb);
      const offset = f * binned.rows;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k] as number;
        const b = binned.bins[offset + i] as number;
        this.histG[b] = (this.histG[b] as number) + (grad[i] as number);
        this.histH[b] = (this.histH[b] as number) + (hess[i] as number);
        this.histN[b] = (this.histN[b] as number) + 1;
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += this.histG[b] as number;
        hl += this.histH[b] as number;
        const hr = H - hl;
        if (hl < p.minChildWeight || hr < p.minChildWeight) continue;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return id;
    const offset = bestFeature * binned.rows;
    let nLeft = 0;
    for (let k = 0; k < rows.length; k++) if ((binned.bins[offset + (rows[k] as number)] as number) <= bestBin) nLeft++;
    const leftRows = new Int32Array(nLeft);
    const rightRows = new Int32Array(rows.length - nLeft);
    let a = 0;
    let c = 0;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] as number;
      if ((binned.bins[offset + i] as number) <= bestBin) leftRows[a++] = i;
      else rightRows[c++] = i;
    }
    tree.feature[id] = bestFeature;
    tree.threshold[id] = (binned.cuts[bestFeature] as Float64Array)[bestBin] as number;
    bins[id] = bestBin;
    tree.left[id] = this.node(tree, bins, leftRows, grad, hess, depth + 1);
    tree.right[id] = this.node(tree, bins, rightRows, grad, hess, depth + 1);
    return id;
  }
}
