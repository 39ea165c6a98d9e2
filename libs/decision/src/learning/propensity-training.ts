import { readFileSync, writeFileSync } from 'node:fs';
import { ValidationError } from '@offerstream/core';
import {
  DEFAULT_PROPENSITY,
  fitPropensity,
  purchaseProbability,
  type PropensityWeights,
} from '../policy/propensity.model';
import { parseExample, type TrainingExample } from '../policy/propensity.store';
import { logLoss, rocAuc, splitExamples } from './propensity-refit';

/**
 * `npm run train -- propensity --input FILE [--out FILE] [--held-out 0.2] [--epochs 300]`: fits the purchase
 * propensity from an exported JSONL of examples (`{"features": {...} | [...], "label": 0|1, "offerId"?}`, the
 * format of the service's training log) and reports log loss and AUC on a held-out part, against the prior.
 */
export function runPropensityTraining(
  argv: readonly string[],
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Record<string, unknown> {
  const flags = parseFlags(argv);
  const input = flags.get('input');
  if (input === undefined) throw new ValidationError('--input FILE is required');
  const share = Number(flags.get('held-out') ?? 0.2);
  const epochs = Number(flags.get('epochs') ?? 300);
  if (!(share > 0 && share < 1)) throw new ValidationError('--held-out must be between 0 and 1');
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new ValidationError('--epochs must be a positive integer');

  const lines = readFileSync(input, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
  const examples: TrainingExample[] = [];
  lines.forEach((l, i) => {
    const e = parseExample(l);
    // Lines without an offer id are split by their line number, so the held-out part is stable per file.
    if (e) examples.push(e.offerId ? e : { ...e, offerId: `line-${i}` });
  });
  log(`read ${examples.length} examples (${lines.length - examples.length} lines skipped) from ${input}`);
  const { train, heldOut } = splitExamples(examples, share);
  if (train.length === 0 || heldOut.length === 0)
    throw new ValidationError(`too few examples to hold out a part: ${examples.length}`);
  log(`fitting on ${train.length}, holding out ${heldOut.length}, ${epochs} epochs`);
  const fitted: PropensityWeights = fitPropensity(
    train.map((e) => e.features),
    train.map((e) => e.label),
    DEFAULT_PROPENSITY,
    { epochs, learningRate: 1, version: `propensity-lr@file-n${train.length}` },
  );
  const rows = heldOut.map((e) => e.features);
  const labels = heldOut.map((e) => e.label);
  const score = (w: PropensityWeights) => ({
    logLoss: logLoss(w, rows, labels),
    auc: rocAuc(
      rows.map((x) => purchaseProbability(x, w)),
      labels,
    ),
  });
  const fittedScore = score(fitted);
  const priorScore = score(DEFAULT_PROPENSITY);
  const out = flags.get('out');
  if (out !== undefined) {
    writeFileSync(out, `${JSON.stringify(fitted, null, 2)}\n`);
    log(`wrote weights to ${out}`);
  }
  return {
    task: 'propensity',
    examples: examples.length,
    train: train.length,
    heldOut: heldOut.length,
    positiveRate: examples.filter((e) => e.label === 1).length / examples.length,
    fitted: fittedScore,
    prior: priorScore,
    improved: fittedScore.logLoss < priorScore.logLoss,
    version: fitted.version,
    ...(out !== undefined ? { out } : {}),
  };
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i] ?? '');
    const value = argv[i + 1];
    if (!m?.[1] || value === undefined)
      throw new ValidationError(`unknown or incomplete flag ${JSON.stringify(argv[i])}`);
    flags.set(m[1], value);
    i++;
  }
  return flags;
}
