import { parseArgs } from 'node:util';
import { errorMessage, ValidationError } from '@offerstream/core';
import { type LabelledText, loadTextDataset } from '../data/text-dataset';
import { stratifiedSplit } from '../data/stratified-split';
import { NaiveBayesModel } from '../models/naive-bayes.model';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { saveTextModel } from '../models/text-model.io';
import { baselineFeatures } from '../text/text-tokenizer';
import { type TextTrainingProgress, trainTextModel } from '../training/train-text-model';
import { classificationMetrics } from './classification-metrics';

export type TextTask = 'sentiment' | 'category';

interface EvaluationArgs {
  readonly task: TextTask;
  readonly train: string;
  readonly test?: string;
  readonly seed: number;
  readonly save?: string;
  readonly maxVocab?: number;
  readonly members?: number;
}

export const TEXT_EVALUATION_USAGE = `usage: npm run evaluate -- sentiment|category --train FILE [--test FILE] [flags]
  --train FILE      reviews CSV (cat,label,review) or sentence<TAB>label lines
  --test FILE       held-out file (default: a stratified 20% of --train)
  --seed N          split and training seed (default 42)
  --save DIR        write the trained model there
  --max-vocab N     vocabulary size cap
  --members N       ensemble size
  --help            this text`;

function parseFlags(argv: readonly string[]): EvaluationArgs | null {
  const [task, ...rest] = argv;
  if (task !== 'sentiment' && task !== 'category') {
    throw new ValidationError(`unknown task ${JSON.stringify(task)} (see --help)`, { usage: TEXT_EVALUATION_USAGE });
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        seed: { type: 'string', default: '42' },
        save: { type: 'string' },
        'max-vocab': { type: 'string' },
        members: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new ValidationError(`${errorMessage(error)} (see --help)`, { usage: TEXT_EVALUATION_USAGE });
  }
  if (values.help) return null;
  if (!values.train)
    throw new ValidationError('--train FILE is required (see --help)', { usage: TEXT_EVALUATION_USAGE });
  const num = (name: 'seed' | 'max-vocab' | 'members'): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ValidationError(`--${name} must be a number`, { usage: TEXT_EVALUATION_USAGE });
    return n;
  };
  return {
    task,
    train: values.train,
    test: values.test,
    seed: num('seed') ?? 42,
    save: values.save,
    maxVocab: num('max-vocab'),
    members: num('members'),
  };
}

function labelOf(task: TextTask, row: LabelledText, source: string): string {
  if (task === 'sentiment') return row.sentiment;
  if (row.category === undefined) {
    throw new ValidationError(`${source}: task "category" needs a "cat" column (CSV with header cat,label,review)`, {
      source,
    });
  }
  return row.category;
}

export function formatProgress(p: TextTrainingProgress): string {
  const member = p.members > 1 ? ` member ${p.member}/${p.members}` : '';
  return (
    `[nlp]${member} epoch ${p.epoch}/${p.maxEpochs} loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(4)} ` +
    `val_loss ${p.valLoss.toFixed(4)} val_acc ${p.valAccuracy.toFixed(4)} elapsed ${p.elapsedSeconds.toFixed(1)}s ` +
    `eta<=${p.etaSeconds.toFixed(0)}s`
  );
}

/**
 * `evaluate sentiment|category --train FILE [--test FILE] [--seed N] [--save DIR]`: trains the TF model and the
 * naive Bayes baseline on the same training rows and scores both on the same test rows.
 */
export async function runTextEvaluation(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const args = parseFlags(argv);
  if (args === null) {
    process.stdout.write(`${TEXT_EVALUATION_USAGE}\n`);
    return undefined;
  }
  const backend = await initTensorflow();
  const trainSet = loadTextDataset(args.train);
  let trainRows: LabelledText[];
  let testRows: LabelledText[];
  const trainLabelsAll = trainSet.rows.map((r) => labelOf(args.task, r, args.train));
  let split = 'file';
  if (args.test) {
    const testSet = loadTextDataset(args.test);
    trainRows = trainSet.rows;
    testRows = testSet.rows;
    testRows.forEach((r) => labelOf(args.task, r, args.test as string));
  } else {
    const s = stratifiedSplit(trainLabelsAll, 0.2, args.seed);
    trainRows = s.train.map((i) => trainSet.rows[i] as LabelledText);
    testRows = s.test.map((i) => trainSet.rows[i] as LabelledText);
    split = `stratified 80/20 seed ${args.seed}`;
  }
  const yTrain = trainRows.map((r) => labelOf(args.task, r, args.train));
  const yTest = testRows.map((r) => labelOf(args.task, r, args.test ?? args.train));
  const labels = [...new Set([...yTrain, ...yTest])].sort();
  process.stderr.write(
    `[nlp] ${args.task}: ${trainRows.length} train / ${testRows.length} test rows (${split}), ${labels.length} classes, backend ${backend}\n`,
  );

  const nbStart = Date.now();
  const nb = NaiveBayesModel.train(
    trainRows.map((r) => baselineFeatures(r.text)),
    yTrain,
  );
  const nbPred = testRows.map((r) => nb.predict(baselineFeatures(r.text)));
  const nbMetrics = classificationMetrics(yTest, nbPred, labels);
  const nbSeconds = (Date.now() - nbStart) / 1000;
  process.stderr.write(
    `[nlp] naive Bayes baseline accuracy ${nbMetrics.accuracy.toFixed(4)} (${nbSeconds.toFixed(1)}s)\n`,
  );

  const trainStart = Date.now();
  const { classifier, report } = await trainTextModel(
    trainRows.map((r) => r.text),
    yTrain,
    { task: args.task, seed: args.seed, maxVocab: args.maxVocab, members: args.members },
    (p) => process.stderr.write(`${formatProgress(p)}\n`),
  );
  const trainSeconds = (Date.now() - trainStart) / 1000;
  const predStart = Date.now();
  const predicted: string[] = [];
  for (let i = 0; i < testRows.length; i += 1024) {
    predicted.push(...classifier.predictLabels(testRows.slice(i, i + 1024).map((r) => r.text)));
  }
  const predictSeconds = (Date.now() - predStart) / 1000;
  const metrics = classificationMetrics(yTest, predicted, labels);
  const result = {
    task: args.task,
    model: 'tfjs embedding-bag (mean-pooled n-gram embeddings + NB-initialised linear n-gram path)',
    accuracy: metrics.accuracy,
    macro_f1: metrics.macro_f1,
    baseline_nb_accuracy: nbMetrics.accuracy,
    baseline_nb_macro_f1: nbMetrics.macro_f1,
    beats_baseline: metrics.accuracy > nbMetrics.accuracy,
    train_seconds: trainSeconds,
    predict_seconds: predictSeconds,
    n_train: trainRows.length,
    n_test: testRows.length,
    classes: labels.length,
    split,
    backend,
    members: report.members,
    vocabulary_size: report.vocabularySize,
    best_epochs: report.bestEpochs,
    train_file_sha256: trainSet.sha256,
    per_class_f1: metrics.per_class_f1,
  };
  if (args.save) {
    await saveTextModel(classifier, args.save, {
      version: '0.0.0-eval',
      command: `evaluate ${argv.join(' ')}`,
      trainingDataSha256: [trainSet.sha256],
      metrics: { accuracy: metrics.accuracy, macro_f1: metrics.macro_f1, n_test: testRows.length },
    });
  }
  classifier.dispose();
  process.stderr.write(
    `[nlp] ${args.task} accuracy ${metrics.accuracy.toFixed(4)} macro_f1 ${metrics.macro_f1.toFixed(4)} ` +
      `(NB ${nbMetrics.accuracy.toFixed(4)}) train ${trainSeconds.toFixed(1)}s\n`,
  );
  return result;
}
