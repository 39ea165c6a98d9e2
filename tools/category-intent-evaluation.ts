/**
 * `npm run evaluate -- category-intent --data FILE`: maps held-out texts to the shop's categories by the nearest
 * centroid of the training items' TF-IDF (the category term index the stream processor keeps and the decision service
 * reads), against the same centroids over the stored 64-d item content vectors and the majority class. The split is the
 * shipped NLP category model's (stratified 80/20 by category and label, seed 42), so its accuracy on the same rows is
 * the corpus-label baseline. The similarity threshold is chosen by cross-validation inside the training part only.
 */
import { parseCommandFlags, positiveIntFlag, seededRandom } from '@offerstream/core';
import { crossValidate, rankTexts, type IntentMethod, type LabelledItem } from '@offerstream/feature-store';
import { loadDefaultTextModels, loadTextDataset, stratifiedSplit } from '@offerstream/nlp/offline';
import { bootstrapMeans, type Interval } from '@offerstream/recsys/offline';

const USAGE = `usage: npm run evaluate -- category-intent --data FILE [--terms 500,2000,8000] [--dims 64] [--folds 5] [--seed 42]
  [--resamples 1000] [--unrelated FILE2] [--corpus-model]
  FILE: CSV with cat,label,review (e.g. ../shared/datasets/reviews/online_shopping_10_cats.csv)
  FILE2: texts from outside the catalog (e.g. reviews/amazon_cells_labelled.txt): the share mapped to any category
  --corpus-model: also score the shipped NLP category model (its labels are this file's category names)`;

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const fmt = (i: Interval): { mean: number; lo: number; hi: number } => ({
  mean: round(i.mean),
  lo: round(i.lo),
  hi: round(i.hi),
});

export async function runCategoryIntentEvaluation(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const flags = parseCommandFlags(
    argv,
    {
      data: { type: 'string' },
      terms: { type: 'string' },
      dims: { type: 'string' },
      folds: { type: 'string' },
      seed: { type: 'string' },
      resamples: { type: 'string' },
      unrelated: { type: 'string' },
      'corpus-model': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (flags === null) return undefined;
  if (!flags.data) throw Object.assign(new Error(`--data is required\n${USAGE}`), { exitCode: 2 });
  const tried: IntentMethod[] = (flags.terms ?? '500,2000,8000')
    .split(',')
    .map((t) => ({ kind: 'terms', termsPerCategory: positiveIntFlag(t.trim(), 'terms') ?? 2000 }));
  const projected: IntentMethod = { kind: 'projected', dims: positiveIntFlag(flags.dims, 'dims') ?? 64 };
  const folds = positiveIntFlag(flags.folds, 'folds') ?? 5;
  const seed = positiveIntFlag(flags.seed, 'seed') ?? 42;
  const resamples = positiveIntFlag(flags.resamples, 'resamples') ?? 1000;
  const t0 = Date.now();
  const data = loadTextDataset(flags.data);
  if (!data.hasCategory) throw Object.assign(new Error(`${flags.data} has no cat column`), { exitCode: 2 });
  // Opaque ids stand for the shop's categories: the mapping must not rely on a category's name matching anything.
  const names = [...new Set(data.rows.map((r) => r.category ?? ''))].sort();
  const shopId = new Map(names.map((n, i) => [n, `c${String(i + 1).padStart(2, '0')}`]));
  const items: LabelledItem[] = data.rows.map((r) => ({ text: r.text, category: shopId.get(r.category ?? '') ?? '' }));
  const split = stratifiedSplit(
    data.rows.map((r) => `${r.category ?? ''}|${r.sentiment}`),
    0.2,
    42,
  );
  const train = split.train.map((i) => items[i] as LabelledItem);
  const test = split.test.map((i) => items[i] as LabelledItem);

  const rng = seededRandom(seed);
  const foldIds = train.map(() => Math.floor(rng() * folds));
  const cv = crossValidate(train, folds, tried, (i) => foldIds[i] ?? 0);
  const served = cv.method;
  process.stderr.write(`chose ${JSON.stringify(served)}, threshold ${cv.threshold.toFixed(4)}\n`);

  const ranked = rankTexts(train, test, served);
  const top1 = ranked.map((r) => (r.rank === 0 ? 1 : 0));
  const top3 = ranked.map((r) => (r.rank < 3 ? 1 : 0));
  const rankedProjected = rankTexts(train, test, projected);
  const p1 = rankedProjected.map((r) => (r.rank === 0 ? 1 : 0));
  const p3 = rankedProjected.map((r) => (r.rank < 3 ? 1 : 0));
  const kept = ranked.map((r) => (r.similarity >= cv.threshold ? 1 : 0));
  const keptRight = ranked.map((r) => (r.similarity >= cv.threshold && r.rank === 0 ? 1 : 0));
  const keptWrong = ranked.map((r) => (r.similarity >= cv.threshold && r.rank !== 0 ? 1 : 0));
  // The majority baseline ranks categories by their share of the training part.
  const share = new Map<string, number>();
  for (const t of train) share.set(t.category, (share.get(t.category) ?? 0) + 1);
  const byShare = [...share].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const major1 = test.map((t) => (t.category === byShare[0] ? 1 : 0));
  const major3 = test.map((t) => (byShare.slice(0, 3).includes(t.category) ? 1 : 0));
  const testNames = split.test.map((i) => data.rows[i]?.category ?? '');
  const corpus = flags['corpus-model']
    ? await corpusModelHits(
        testNames,
        split.test.map((i) => data.rows[i]?.text ?? ''),
      )
    : undefined;
  const [a1, a3, cover, right, wrong, m1, m3, pr1, pr3, c1, c3] = bootstrapMeans(
    [top1, top3, kept, keptRight, keptWrong, major1, major3, p1, p3, corpus?.top1 ?? top1, corpus?.top3 ?? top3],
    resamples,
    seed,
  ).map(fmt);
  const unrelated = flags.unrelated
    ? rankTexts(
        train,
        loadTextDataset(flags.unrelated).rows.map((r) => ({ text: r.text, category: '' })),
        served,
      )
    : [];
  const keptCount = kept.reduce<number>((s, x) => s + x, 0);
  return {
    task: 'category-intent',
    data: flags.data,
    sha256: data.sha256,
    categories: names.length,
    train: train.length,
    test: test.length,
    crossValidation: {
      folds,
      tried: tried.map((m, j) => ({ ...m, top1: round(cv.top1[j] ?? 0) })),
      threshold: round(cv.threshold),
      perFoldThresholds: cv.thresholds.map(round),
    },
    termCentroid: {
      ...served,
      top1: a1,
      top3: a3,
      coverage: cover,
      mappedRight: right,
      mappedWrong: wrong,
      precisionOfMapped: round(keptRight.reduce<number>((s, x) => s + x, 0) / Math.max(1, keptCount)),
    },
    projectedCentroid: { dims: projected.dims, top1: pr1, top3: pr3 },
    majority: { top1: m1, top3: m3 },
    ...(corpus ? { corpusModel: { top1: c1, top3: c3 } } : {}),
    ...(flags.unrelated
      ? {
          unrelated: {
            data: flags.unrelated,
            texts: unrelated.length,
            mapped: round(unrelated.filter((r) => r.similarity >= cv.threshold).length / Math.max(1, unrelated.length)),
          },
        }
      : {}),
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Whether the shipped category model ranks each text's true label first / in its top 3. */
async function corpusModelHits(
  labels: readonly string[],
  texts: readonly string[],
): Promise<{ top1: number[]; top3: number[] }> {
  const models = await loadDefaultTextModels();
  const names = models.category.spec.labels;
  const k = names.length;
  const top1: number[] = [];
  const top3: number[] = [];
  for (let i = 0; i < texts.length; i += 512) {
    const probs = models.category.predictProba(texts.slice(i, i + 512));
    for (let r = 0; r * k < probs.length; r++) {
      const truth = names.indexOf(labels[i + r] ?? '');
      const p = truth < 0 ? -1 : (probs[r * k + truth] ?? 0);
      let above = 0;
      for (let c = 0; c < k; c++) if ((probs[r * k + c] ?? 0) > p) above++;
      top1.push(truth >= 0 && above === 0 ? 1 : 0);
      top3.push(truth >= 0 && above < 3 ? 1 : 0);
    }
  }
  models.sentiment.dispose();
  models.category.dispose();
  return { top1, top3 };
}
