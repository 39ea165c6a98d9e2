import * as tf from '@tensorflow/tfjs';
import { stratifiedSplit } from '../data/stratified-split';
import { seededRandom, shuffleInPlace } from '@offerstream/core';
import { EmbeddingBagModel, disposeBatch, packBatch } from '../models/embedding-bag.model';
import { calibrateRatioScale, nbLogCountRatios } from '../models/nb-log-count-ratio';

export interface TrainingProgress {
  readonly epoch: number;
  readonly maxEpochs: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedSeconds: number;
  /** Upper bound: assumes early stopping does not trigger. */
  readonly etaSeconds: number;
}

export interface TrainOptions {
  readonly embeddingDim: number;
  readonly dropout: number;
  /** Share of features dropped from each training document per step (regularises like word dropout). */
  readonly tokenDropout: number;
  readonly learningRate: number;
  readonly maxEpochs: number;
  readonly patience: number;
  readonly validationFraction: number;
  /** 0 = derived from the training-set size. */
  readonly batchSize: number;
  readonly seed: number;
  readonly widePooling: 'sum' | 'sqrt';
  /** Start the linear path at the binarized naive Bayes solution. */
  readonly nbInit: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  embeddingDim: 32,
  dropout: 0.3,
  tokenDropout: 0.1,
  learningRate: 0.01,
  maxEpochs: 12,
  patience: 2,
  validationFraction: 0.1,
  batchSize: 0,
  seed: 42,
  widePooling: 'sqrt',
  nbInit: true,
};

export interface TrainResult {
  readonly model: EmbeddingBagModel;
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly valAccuracy: number;
  readonly history: TrainingProgress[];
}

/** Scales with data: small sets get small batches (enough steps per epoch), large ones large (fast epochs). */
export function defaultBatchSize(n: number): number {
  return Math.max(16, Math.min(256, 2 ** Math.round(Math.log2(Math.max(1, n / 200)))));
}

function batchesOf(order: number[], docs: readonly Int32Array[], batchSize: number, random: () => number): number[][] {
  // Length-sorted windows keep padding small; shuffled batch order keeps SGD unbiased.
  const window = batchSize * 16;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window).sort((a, b) => (docs[a]?.length ?? 0) - (docs[b]?.length ?? 0));
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  return shuffleInPlace(batches, random);
}

function evaluate(
  model: EmbeddingBagModel,
  docs: readonly Int32Array[],
  labels: readonly number[],
): { loss: number; accuracy: number } {
  if (docs.length === 0) return { loss: NaN, accuracy: NaN };
  const k = model.config.numClasses;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < docs.length; start += 512) {
    const probs = model.predictProbaTensor(docs.slice(start, start + 512));
    for (let i = 0; i * k < probs.length; i++) {
      const y = labels[start + i] as number;
      let best = 0;
      for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
      if (best === y) correct++;
      loss -= Math.log(Math.max(1e-7, probs[i * k + y] as number));
    }
  }
  return { loss: loss / docs.length, accuracy: correct / docs.length };
}

/**
 * Trains on all but a stratified validation share, keeps the weights of the epoch with the best validation
 * accuracy and stops after `patience` epochs without improvement: the epoch count is chosen by the data, not
 * tuned per corpus.
 */
export async function trainEmbeddingBag(
  docs: readonly Int32Array[],
  labels: readonly number[],
  numClasses: number,
  vocabSize: number,
  options: Partial<TrainOptions> = {},
  onProgress?: (p: TrainingProgress) => void,
): Promise<TrainResult> {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const split =
    o.validationFraction > 0 && docs.length >= 20
      ? stratifiedSplit(labels.map(String), o.validationFraction, o.seed + 7)
      : { train: docs.map((_, i) => i), test: [] as number[] };
  const trainIdx = split.train;
  const valDocs = split.test.map((i) => docs[i] as Int32Array);
  const valLabels = split.test.map((i) => labels[i] as number);
  const batchSize = o.batchSize > 0 ? o.batchSize : defaultBatchSize(trainIdx.length);
  const random = seededRandom(o.seed);
  const trainDocs = trainIdx.map((i) => docs[i] as Int32Array);
  const trainLabels = trainIdx.map((i) => labels[i] as number);
  const nb = o.nbInit ? nbLogCountRatios(trainDocs, trainLabels, numClasses, vocabSize) : undefined;
  if (nb) {
    const scale = calibrateRatioScale(nb.ratios, nb.logPrior, valDocs, valLabels);
    for (let i = 0; i < nb.ratios.length; i++) nb.ratios[i] = (nb.ratios[i] as number) * scale;
  }
  const model = EmbeddingBagModel.create(
    { vocabSize, embeddingDim: o.embeddingDim, numClasses, dropout: o.dropout, widePooling: o.widePooling },
    o.seed,
    nb ? { wide: nb.ratios, bias: nb.logPrior } : undefined,
  );
  const optimizer = tf.train.adam(o.learningRate);
  const history: TrainingProgress[] = [];
  let best: { epoch: number; accuracy: number; loss: number; weights: tf.Tensor[] } | undefined;
  if (nb && valDocs.length > 0) {
    // Epoch 0 is the naive Bayes starting point: if no epoch beats it on validation, it is what we keep.
    const val0 = evaluate(model, valDocs, valLabels);
    best = { epoch: 0, accuracy: val0.accuracy, loss: val0.loss, weights: model.snapshot() };
  }
  const started = Date.now();
  let epoch = 0;
  for (epoch = 1; epoch <= o.maxEpochs; epoch++) {
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const batchIdx of batchesOf(shuffleInPlace([...trainIdx], random), docs, batchSize, random)) {
      const batch = packBatch(
        batchIdx.map((i) => docs[i] as Int32Array),
        o.widePooling,
        o.tokenDropout > 0 ? () => random() >= o.tokenDropout : undefined,
      );
      const y = tf.oneHot(
        tf.tensor1d(
          batchIdx.map((i) => labels[i] as number),
          'int32',
        ),
        numClasses,
      );
      let logitsValue: tf.Tensor2D | undefined;
      const cost = optimizer.minimize(
        () => {
          const logits = model.logits(batch, true, Math.floor(random() * 1e9));
          logitsValue = tf.keep(logits);
          return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, logits);
        },
        true,
        model.trainableVariables,
      );
      if (cost && logitsValue) {
        lossSum += (cost.dataSync()[0] as number) * batchIdx.length;
        const predicted = tf.argMax(logitsValue, 1).dataSync();
        batchIdx.forEach((docIndex, j) => {
          if (predicted[j] === labels[docIndex]) correct++;
        });
      }
      seen += batchIdx.length;
      tf.dispose(cost ? [cost, y] : [y]);
      logitsValue?.dispose();
      disposeBatch(batch);
      // Yield so a progress timer or a caller's signal handlers can run during long epochs.
      if (seen % (batchSize * 50) === 0) await new Promise((r) => setImmediate(r));
    }
    const val = evaluate(model, valDocs, valLabels);
    const elapsed = (Date.now() - started) / 1000;
    const progress: TrainingProgress = {
      epoch,
      maxEpochs: o.maxEpochs,
      loss: lossSum / Math.max(1, seen),
      accuracy: correct / Math.max(1, seen),
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      elapsedSeconds: elapsed,
      etaSeconds: (elapsed / epoch) * (o.maxEpochs - epoch),
    };
    history.push(progress);
    onProgress?.(progress);
    const improved =
      !best ||
      Number.isNaN(val.accuracy) ||
      val.accuracy > best.accuracy ||
      (val.accuracy === best.accuracy && val.loss < best.loss);
    if (improved || !best) {
      if (best) tf.dispose(best.weights);
      best = { epoch, accuracy: val.accuracy, loss: val.loss, weights: model.snapshot() };
    } else if (epoch - best.epoch >= o.patience) {
      break;
    }
  }
  if (best) {
    model.restore(best.weights);
    tf.dispose(best.weights);
  }
  optimizer.dispose();
  return {
    model,
    bestEpoch: best?.epoch ?? 0,
    epochsRun: Math.min(epoch, o.maxEpochs),
    valAccuracy: best?.accuracy ?? NaN,
    history,
  };
}
