import type { InteractionGraph } from '../graph/interaction-graph';
import { layerAveragedPropagation, normalizedAdjacency } from '../graph/normalized-adjacency';
import { MetricAccumulator, rankingMetrics } from '../metrics/ranking-metrics';
import { readFloat32, tf } from '../linalg/tf-dense';
import { topK } from '../serving/top-k';
import { seededRandom, gaussian, type Rng } from '@offerstream/core';
import { EmbeddingRecommender } from './embedding.recommender';
import type { ProgressFn } from './scoring-model';

export interface LightGcnOptions {
  readonly dims?: number;
  readonly layers?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** L2 weight on the ego embeddings of a batch (LightGCN's 1e-4). */
  readonly l2?: number;
  /** Wall-clock cap; training stops after the epoch that crosses it. */
  readonly timeBudgetSeconds?: number;
  readonly seed?: number;
}

export interface LightGcnValidation {
  readonly users: Int32Array;
  readonly heldOut: readonly ReadonlySet<number>[];
}

export interface LightGcnResult {
  readonly userEmb: Float32Array;
  readonly itemEmb: Float32Array;
  readonly dims: number;
  readonly epochs: number;
  readonly loss: number;
  readonly validationRecall: number;
}

/**
 * LightGCN (He et al. 2020) with BPR loss. The propagation M = (1/(L+1)) Σ A^l runs as sparse products on typed
 * arrays because tfjs has no fast sparse matmul; the BPR loss and its gradient with respect to the propagated
 * batch rows come from tfjs autodiff, the gradient is pulled back through M (symmetric, so M itself), and the
 * ego embeddings are updated by the tfjs Adam optimiser.
 */
export async function trainLightGcn(
  graph: InteractionGraph,
  options: LightGcnOptions = {},
  onProgress?: ProgressFn,
  validation?: LightGcnValidation,
): Promise<LightGcnResult> {
  const d = options.dims ?? 64;
  const layers = options.layers ?? 3;
  const maxEpochs = options.epochs ?? 1000;
  const batch = options.batchSize ?? 8192;
  const l2 = options.l2 ?? 1e-4;
  const budgetMs = (options.timeBudgetSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  const rng = seededRandom(options.seed ?? 11);
  const nu = graph.numUsers;
  const ni = graph.numItems;
  const n = nu + ni;
  const adj = normalizedAdjacency(graph);
  const init = new Float32Array(n * d);
  for (let k = 0; k < init.length; k++) init[k] = 0.1 * gaussian(rng);
  const ego = tf.variable(tf.tensor2d(init, [n, d]));
  const optimizer = tf.train.adam(options.learningRate ?? 0.005);
  const edgeUsers = new Int32Array(graph.numEdges);
  for (let u = 0; u < nu; u++) edgeUsers.fill(u, graph.userItems.indptr[u] ?? 0, graph.userItems.indptr[u + 1] ?? 0);
  const batchesPerEpoch = Math.max(1, Math.ceil(graph.numEdges / batch));
  const bprGrad = tf.valueAndGrads((eu: tf.Tensor, ep: tf.Tensor, en: tf.Tensor) =>
    // -log σ(x) written as softplus(-x): same value, and tfjs-wasm's logSigmoid gradient is broken.
    tf.mean(tf.softplus(tf.sub(tf.sum(tf.mul(eu, en), 1), tf.sum(tf.mul(eu, ep), 1)))),
  );
  const started = Date.now();
  let loss = Number.NaN;
  let valRecall = Number.NaN;
  let epoch = 0;
  let prop: Float32Array = new Float32Array(0);
  let lastBatchReport = Date.now();
  while (epoch < maxEpochs && Date.now() - started < budgetMs) {
    let lossSum = 0;
    for (let b = 0; b < batchesPerEpoch; b++) {
      const egoData = readFloat32(ego);
      prop = layerAveragedPropagation(adj, egoData, d, layers);
      const [us, ps, ns] = sampleTriples(graph, edgeUsers, batch, rng);
      const rowsOf = (idx: Int32Array, shift: number): Float32Array => {
        const out = new Float32Array(idx.length * d);
        idx.forEach((x, r) => out.set(prop.subarray((x + shift) * d, (x + shift + 1) * d), r * d));
        return out;
      };
      const inputs = [rowsOf(us, 0), rowsOf(ps, nu), rowsOf(ns, nu)].map((x) => tf.tensor2d(x, [us.length, d]));
      const [eu, ep, en] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
      const { value, grads } = bprGrad([eu, ep, en]);
      lossSum += (await value.data())[0] ?? 0;
      const g = new Float32Array(n * d);
      const scatter = (idx: Int32Array, shift: number, grad: Float32Array): void => {
        idx.forEach((x, r) => {
          const base = (x + shift) * d;
          for (let c = 0; c < d; c++) g[base + c] = (g[base + c] ?? 0) + (grad[r * d + c] ?? 0);
        });
      };
      const [gu, gp, gn] = grads.map((t) => readFloat32(t));
      scatter(us, 0, gu ?? new Float32Array(0));
      scatter(ps, nu, gp ?? new Float32Array(0));
      scatter(ns, nu, gn ?? new Float32Array(0));
      const full = layerAveragedPropagation(adj, g, d, layers);
      const regScale = l2 / us.length;
      for (const [idx, shift] of [
        [us, 0],
        [ps, nu],
        [ns, nu],
      ] as const) {
        for (const x of idx) {
          const base = (x + shift) * d;
          for (let c = 0; c < d; c++) full[base + c] = (full[base + c] ?? 0) + regScale * (egoData[base + c] ?? 0);
        }
      }
      const gradTensor = tf.tensor2d(full, [n, d]);
      optimizer.applyGradients([{ name: ego.name, tensor: gradTensor }]);
      gradTensor.dispose();
      value.dispose();
      inputs.forEach((t) => t.dispose());
      grads.forEach((t) => t.dispose());
      if (Date.now() - lastBatchReport > 30000) {
        lastBatchReport = Date.now();
        onProgress?.({
          stage: 'lightgcn-batch',
          epoch: epoch + 1,
          batch: b + 1,
          of: batchesPerEpoch,
          loss: lossSum / (b + 1),
        });
      }
    }
    epoch++;
    loss = lossSum / batchesPerEpoch;
    prop = layerAveragedPropagation(adj, readFloat32(ego), d, layers);
    if (validation !== undefined) valRecall = validationRecall(prop, nu, ni, d, graph, validation);
    const elapsed = (Date.now() - started) / 1000;
    const perEpoch = elapsed / epoch;
    const remaining = Math.min(maxEpochs - epoch, Math.max(0, Math.floor((budgetMs / 1000 - elapsed) / perEpoch) + 1));
    onProgress?.({
      stage: 'lightgcn',
      epoch,
      loss,
      val_recall20: valRecall,
      elapsed_s: Math.round(elapsed),
      eta_s: Math.round(remaining * perEpoch),
    });
  }
  optimizer.dispose();
  ego.dispose();
  return {
    userEmb: prop.slice(0, nu * d),
    itemEmb: prop.slice(nu * d),
    dims: d,
    epochs: epoch,
    loss,
    validationRecall: valRecall,
  };
}

/** Uniform edges (user, positive) with a uniformly drawn item the user has not interacted with. */
function sampleTriples(
  graph: InteractionGraph,
  edgeUsers: Int32Array,
  size: number,
  rng: Rng,
): [Int32Array, Int32Array, Int32Array] {
  const us = new Int32Array(size);
  const ps = new Int32Array(size);
  const ns = new Int32Array(size);
  const ui = graph.userItems;
  for (let s = 0; s < size; s++) {
    const e = Math.floor(rng() * edgeUsers.length);
    const u = edgeUsers[e] ?? 0;
    us[s] = u;
    ps[s] = ui.indices[e] ?? 0;
    const row = graph.itemsOf(u);
    let neg = 0;
    for (let tries = 0; tries < 20; tries++) {
      neg = Math.floor(rng() * graph.numItems);
      if (!sortedHas(row, neg)) break;
    }
    ns[s] = neg;
  }
  return [us, ps, ns];
}

function sortedHas(row: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = row.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = row[mid] ?? 0;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function validationRecall(
  prop: Float32Array,
  nu: number,
  ni: number,
  d: number,
  graph: InteractionGraph,
  val: LightGcnValidation,
): number {
  const model = new EmbeddingRecommender('lightgcn', prop.subarray(0, nu * d), prop.subarray(nu * d), d);
  const acc = new MetricAccumulator();
  const block = 256;
  const scores = new Float32Array(block * ni);
  for (let s = 0; s < val.users.length; s += block) {
    const users = val.users.subarray(s, Math.min(s + block, val.users.length));
    model.scoreUsers(users, scores);
    users.forEach((u, b) => {
      for (const i of graph.itemsOf(u)) scores[b * ni + i] = Number.NEGATIVE_INFINITY;
      acc.add(rankingMetrics(topK(scores, 20, undefined, b * ni, ni), val.heldOut[s + b] ?? new Set<number>(), 20));
    });
  }
  model.dispose();
  return acc.mean().recall;
}
