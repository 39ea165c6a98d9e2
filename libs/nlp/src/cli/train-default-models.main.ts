import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage, parseCommandFlags, positiveIntFlag } from '@offerstream/core';
import { type LabelledText, loadTextDataset } from '../data/text-dataset';
import { stratifiedSplit } from '../data/stratified-split';
import { DEFAULT_MODEL_DIR } from '../model-dir';
import { classificationMetrics } from '../evaluation/classification-metrics';
import { formatProgress } from '../evaluation/text-evaluation';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { saveTextModel } from '../models/text-model.io';
import { trainTextModel } from '../training/train-text-model';

/**
 * Retrains the shipped models (libs/nlp/model/{sentiment,category}) on the 80% stratified (seed 42) part of the
 * shared review corpora and records held-out metrics on the other 20% in each manifest.
 * Flags: see USAGE (--help).
 */
const VERSION = '1.1.0';
/** Features reserved for the English rows before the (98% Chinese) rest fills the vocabulary by frequency. */
const EN_VOCAB_QUOTA = 15_000;
const EN_REPEAT = 4;

const USAGE = `usage: node tools/run-ts.cjs libs/nlp/src/cli/train-default-models.main.ts [flags]
  --zh FILE          Chinese reviews CSV (default ../shared/datasets/reviews/online_shopping_10_cats.csv)
  --en FILE          English sentences TSV (default ../shared/datasets/reviews/amazon_cells_labelled.txt)
  --out DIR          model directory (default libs/nlp/model)
  --version X.Y.Z    version written to the manifests (default ${VERSION})
  --en-repeat N      times the English training rows are repeated (default ${EN_REPEAT})
  --sentiment-only   skip the category model`;

async function main(): Promise<Record<string, unknown> | undefined> {
  const argv = process.argv.slice(2);
  const shared = resolve(__dirname, '../../../../../shared/datasets/reviews');
  const flags = parseCommandFlags(
    argv,
    {
      zh: { type: 'string', default: join(shared, 'online_shopping_10_cats.csv') },
      en: { type: 'string', default: join(shared, 'amazon_cells_labelled.txt') },
      out: { type: 'string', default: DEFAULT_MODEL_DIR },
      version: { type: 'string', default: VERSION },
      'en-repeat': { type: 'string' },
      'sentiment-only': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (flags === null) return undefined;
  const { zh: zhFile, en: enFile, out, version } = flags;
  for (const f of [zhFile, enFile]) if (!existsSync(f)) throw new Error(`missing dataset ${f}`);
  const backend = await initTensorflow();
  const zh = loadTextDataset(zhFile);
  const en = loadTextDataset(enFile);
  const part = (rows: LabelledText[], labels: string[]) => {
    const s = stratifiedSplit(labels, 0.2, 42);
    return { train: s.train.map((i) => rows[i] as LabelledText), test: s.test.map((i) => rows[i] as LabelledText) };
  };
  const zhSplit = part(
    zh.rows,
    zh.rows.map((r) => `${r.category ?? ''}|${r.sentiment}`),
  );
  const enSplit = part(
    en.rows,
    en.rows.map((r) => r.sentiment),
  );
  const small = { maxVocab: 50_000, embeddingDim: 16, seed: 42 };
  const command = `node tools/run-ts.cjs libs/nlp/src/cli/train-default-models.main.ts ${argv.join(' ')}`.trim();
  const sha = [zh.sha256, en.sha256];
  const log = (p: Parameters<typeof formatProgress>[0]): void => void process.stderr.write(`${formatProgress(p)}\n`);

  const t0 = Date.now();
  // English rows may be repeated so that 800 sentences are not drowned by 50k Chinese reviews in the loss.
  const enRepeat = positiveIntFlag(flags['en-repeat'], 'en-repeat') ?? EN_REPEAT;
  const enRows = Array.from({ length: enRepeat }, () => enSplit.train).flat();
  const sentRows = [...zhSplit.train, ...enRows];
  const sentiment = await trainTextModel(
    sentRows.map((r) => r.text),
    sentRows.map((r) => r.sentiment),
    {
      ...small,
      task: 'sentiment',
      vocabGroups: sentRows.map((_, i) => (i < zhSplit.train.length ? 'zh' : 'en')),
      vocabQuotas: { en: EN_VOCAB_QUOTA },
    },
    log,
  );
  const sentSeconds = (Date.now() - t0) / 1000;
  const sentMetric = (rows: LabelledText[]) =>
    classificationMetrics(
      rows.map((r) => r.sentiment),
      sentiment.classifier.predictLabels(rows.map((r) => r.text)),
      ['0', '1'],
    );
  const zhSent = sentMetric(zhSplit.test);
  const enSent = sentMetric(enSplit.test);
  const sentimentMetrics = {
    zh_accuracy: zhSent.accuracy,
    zh_macro_f1: zhSent.macro_f1,
    en_accuracy: enSent.accuracy,
    en_macro_f1: enSent.macro_f1,
    n_test_zh: zhSplit.test.length,
    n_test_en: enSplit.test.length,
    train_seconds: sentSeconds,
    backend,
  };
  await saveTextModel(
    sentiment.classifier,
    join(out, 'sentiment'),
    { version, command, trainingDataSha256: sha, metrics: sentimentMetrics },
    { float16: true },
  );
  process.stderr.write(`[nlp] sentiment ${JSON.stringify(sentimentMetrics)}\n`);

  if (flags['sentiment-only']) return { version, out, sentiment: sentimentMetrics };
  const t1 = Date.now();
  const category = await trainTextModel(
    zhSplit.train.map((r) => r.text),
    zhSplit.train.map((r) => r.category ?? ''),
    { ...small, task: 'category' },
    log,
  );
  const catSeconds = (Date.now() - t1) / 1000;
  const cat = classificationMetrics(
    zhSplit.test.map((r) => r.category ?? ''),
    category.classifier.predictLabels(zhSplit.test.map((r) => r.text)),
  );
  const categoryMetrics = {
    accuracy: cat.accuracy,
    macro_f1: cat.macro_f1,
    n_test: zhSplit.test.length,
    train_seconds: catSeconds,
    backend,
  };
  await saveTextModel(
    category.classifier,
    join(out, 'category'),
    { version, command, trainingDataSha256: [zh.sha256], metrics: categoryMetrics },
    { float16: true },
  );
  return { version, out, sentiment: sentimentMetrics, category: categoryMetrics };
}

main().then(
  (result) => {
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`train-default-models failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
