import { createHash } from 'node:crypto';
import {
  fitPropensity,
  fitSegmentLift,
  purchaseProbability,
  withSegmentLift,
  type FeatureVector,
  type PropensityWeights,
} from '../policy/propensity.model';
import type { TrainingExample } from '../policy/propensity.store';

/** Options of one refit; `fit` may run elsewhere (a worker thread in the service). */
export interface RefitOptions {
  /** Share of examples held out to compare candidate and current weights. */
  readonly heldOutShare: number;
  readonly epochs: number;
  /** Weights the fit starts from and is regularised towards (the hand-set prior). */
  readonly prior: PropensityWeights;
  /** A candidate must beat the current held-out log loss by more than this to be published. */
  readonly minGain?: number;
}

export type PropensityFit = (
  rows: FeatureVector[],
  labels: number[],
  prior: PropensityWeights,
  epochs: number,
) => Promise<PropensityWeights>;

export interface RefitResult {
  readonly candidate: PropensityWeights;
  readonly train: number;
  readonly heldOut: number;
  readonly heldOutLogLoss: number;
  readonly currentLogLoss: number;
  readonly heldOutAuc: number | null;
  readonly currentAuc: number | null;
  /** True only when the candidate's held-out log loss beats the current weights'. */
  readonly publish: boolean;
}

const EPS = 1e-12;

/** Mean negative log-likelihood of the labels under the weights. */
export function logLoss(w: PropensityWeights, rows: readonly FeatureVector[], labels: readonly number[]): number {
  if (rows.length === 0) return NaN;
  let sum = 0;
  rows.forEach((x, i) => {
    const p = Math.min(1 - EPS, Math.max(EPS, purchaseProbability(x, w)));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  });
  return sum / rows.length;
}

/** Area under the ROC curve (ties count half); null when one class is missing. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i] === 1 ? 1 : 0] as const).sort((a, b) => a[0] - b[0]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const midRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++)
      if (order[k]![1] === 1) {
        pos++;
        rankSum += midRank;
      }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Held-out membership by a hash of the offer id (the line number when there is none): stable across refits, so an
 * example never moves from the held-out slice into training and flatters the next candidate.
 */
export function isHeldOut(key: string, share: number): boolean {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32 < share;
}

export function splitExamples(
  examples: readonly TrainingExample[],
  share: number,
): { train: TrainingExample[]; heldOut: TrainingExample[] } {
  const train: TrainingExample[] = [];
  const heldOut: TrainingExample[] = [];
  examples.forEach((e, i) => (isHeldOut(e.offerId || `#${i}`, share) ? heldOut : train).push(e));
  return { train, heldOut };
}

/** Fits a candidate on the training slice and decides whether it beats the current weights on the held-out slice. */
export async function refitPropensity(
  examples: readonly TrainingExample[],
  current: PropensityWeights,
  opts: RefitOptions,
  fit: PropensityFit,
): Promise<RefitResult> {
  const { train, heldOut } = splitExamples(examples, opts.heldOutShare);
  // The weights are fitted without the segment column, then each cluster's lift on top of them.
  const bare = train.map((e) => withSegmentLift(e.features, undefined, opts.prior));
  const fitted = await fit(
    bare,
    train.map((e) => e.label),
    opts.prior,
    opts.epochs,
  );
  const segmentLift = fitSegmentLift(
    train.map((e, i) => ({ x: bare[i] as FeatureVector, segment: e.segment, label: e.label })),
    fitted,
  );
  const candidate: PropensityWeights = { ...fitted, segmentLift };
  // Each model is scored with its own lift of the example's cluster.
  const rowsFor = (w: PropensityWeights) => heldOut.map((e) => withSegmentLift(e.features, e.segment, w));
  const rows = rowsFor(candidate);
  const labels = heldOut.map((e) => e.label);
  const heldOutLogLoss = logLoss(candidate, rows, labels);
  const currentRows = rowsFor(current);
  const currentLogLoss = logLoss(current, currentRows, labels);
  return {
    candidate,
    train: train.length,
    heldOut: heldOut.length,
    heldOutLogLoss,
    currentLogLoss,
    heldOutAuc: rocAuc(
      rows.map((x) => purchaseProbability(x, candidate)),
      labels,
    ),
    currentAuc: rocAuc(
      currentRows.map((x) => purchaseProbability(x, current)),
      labels,
    ),
    publish: train.length > 0 && heldOut.length > 0 && heldOutLogLoss < currentLogLoss - (opts.minGain ?? 1e-6),
  };
}

/** The same fit in the calling thread (tests and the training command). */
export const fitInline: PropensityFit = (rows, labels, prior, epochs) =>
  Promise.resolve(fitPropensity(rows, labels, prior, { epochs, learningRate: 1 }));
