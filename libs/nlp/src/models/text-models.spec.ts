import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stratifiedSplit } from '../data/stratified-split';
import { syntheticReviews } from '../testing/synthetic-reviews';
import { baselineFeatures } from '../text/text-tokenizer';
import { trainTextModel } from '../training/train-text-model';
import { NaiveBayesModel } from './naive-bayes.model';
import { initTensorflow } from '@offerstream/core/tensorflow';
import type { TextClassifier } from './text-classifier';
import { loadTextModel, saveTextModel } from './text-model.io';

jest.setTimeout(60_000);

const corpus = syntheticReviews(900, 3);
const split = stratifiedSplit(
  corpus.map((r) => r.sentiment),
  0.2,
  42,
);
const train = split.train.map((i) => corpus[i] as (typeof corpus)[number]);
const test = split.test.map((i) => corpus[i] as (typeof corpus)[number]);
const tiny = { embeddingDim: 8, maxEpochs: 6, members: 1 };

function accuracy(predicted: readonly string[], truth: readonly string[]): number {
  return predicted.filter((p, i) => p === truth[i]).length / truth.length;
}

describe('text models on a generated two-language corpus', () => {
  let sentiment: TextClassifier;
  let dir: string;

  beforeAll(async () => {
    await initTensorflow();
    dir = mkdtempSync(join(tmpdir(), 'nlp-model-'));
    sentiment = (
      await trainTextModel(
        train.map((r) => r.text),
        train.map((r) => r.sentiment),
        { ...tiny, task: 'sentiment' },
      )
    ).classifier;
  });

  afterAll(() => {
    sentiment.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('naive Bayes learns sentiment far above chance', () => {
    const nb = NaiveBayesModel.train(
      train.map((r) => baselineFeatures(r.text)),
      train.map((r) => r.sentiment),
    );
    const predicted = test.map((r) => nb.predict(baselineFeatures(r.text)));
    expect(
      accuracy(
        predicted,
        test.map((r) => r.sentiment),
      ),
    ).toBeGreaterThan(0.85);
  });

  it('the TF model learns sentiment far above chance in both languages', () => {
    const truth = test.map((r) => r.sentiment);
    expect(accuracy(sentiment.predictLabels(test.map((r) => r.text)), truth)).toBeGreaterThan(0.85);
    const zh = test.filter((r) => /[\u4e00-\u9fff]/.test(r.text));
    expect(
      accuracy(
        sentiment.predictLabels(zh.map((r) => r.text)),
        zh.map((r) => r.sentiment),
      ),
    ).toBeGreaterThan(0.85);
  });

  it('the TF model learns three categories far above chance', async () => {
    const { classifier } = await trainTextModel(
      train.map((r) => r.text),
      train.map((r) => r.category),
      { ...tiny, task: 'category' },
    );
    const acc = accuracy(
      classifier.predictLabels(test.map((r) => r.text)),
      test.map((r) => r.category),
    );
    classifier.dispose();
    expect(acc).toBeGreaterThan(0.8);
  });

  it('scores in plain JS exactly as the TF.js graph does', () => {
    const docs = test.slice(0, 40).map((r) => sentiment.encode(r.text).ids);
    const member = sentiment.members[0];
    const fast = member?.predictProba(docs) ?? new Float32Array(0);
    const graph = member?.predictProbaTensor(docs) ?? new Float32Array(0);
    expect(fast.length).toBe(80);
    fast.forEach((p, i) => expect(Math.abs(p - (graph[i] as number))).toBeLessThan(1e-5));
  });

  it('gives identical scores after a save/load round trip, also with float16 weights', async () => {
    const texts = test.slice(0, 50).map((r) => r.text);
    const before = sentiment.predictProba(texts);
    const manifest = await saveTextModel(sentiment, dir, {
      version: '1.2.3',
      command: 'test',
      trainingDataSha256: ['abc'],
      metrics: { accuracy: 1 },
    });
    expect(manifest.version).toBe('1.2.3');
    expect(statSync(join(dir, 'weights.bin')).size).toBeGreaterThan(0);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: unknown[] };
    expect(modelJson.weightsManifest).toHaveLength(1);
    const loaded = await loadTextModel(dir);
    expect(loaded.manifest.trainingDataSha256).toEqual(['abc']);
    expect(Array.from(loaded.classifier.predictProba(texts))).toEqual(Array.from(before));
    loaded.classifier.dispose();

    const halfDir = join(dir, 'half');
    await saveTextModel(
      sentiment,
      halfDir,
      { version: '1', command: 'test', trainingDataSha256: [], metrics: {} },
      { float16: true },
    );
    const half = await loadTextModel(halfDir);
    const after = half.classifier.predictProba(texts);
    before.forEach((p, i) => expect(Math.abs(p - (after[i] as number))).toBeLessThan(0.01));
    half.classifier.dispose();
  });
});
