import { contentVector, termCounts } from './content-vector';
import { buildCategoryTermIndex, matchCategories, textTerms } from './category-term-index';
import { dot, normalizeInPlace } from './vector-math';

/** A catalog item for the evaluation: its text and the shop category it is filed under. */
export interface LabelledItem {
  readonly text: string;
  readonly category: string;
}

/**
 * How texts are matched to categories: `terms` is the served nearest-centroid over sparse TF-IDF (the category term
 * index); `projected` the same centroids over the stored 64-d item content vectors, kept to show why it is not served.
 */
export type IntentMethod = { kind: 'terms'; termsPerCategory: number } | { kind: 'projected'; dims: number };

/**
 * Per text: the rank of its true category among the categories (0 = top; Infinity when absent) and the best similarity.
 */
export interface RankedText {
  readonly rank: number;
  readonly similarity: number;
}

const itemTerms = (it: LabelledItem): Map<number, number> =>
  termCounts({ title: it.text, description: '', categoryPath: [it.category] });

/** Ranks every category for each text, with the index (or centroids) built from `train` alone. */
export function rankTexts(
  train: readonly LabelledItem[],
  texts: readonly LabelledItem[],
  method: IntentMethod,
): RankedText[] {
  const rankOf = (ranked: { category: string; similarity: number }[], truth: string): RankedText => {
    const rank = ranked.findIndex((m) => m.category === truth);
    return { rank: rank < 0 ? Infinity : rank, similarity: ranked[0]?.similarity ?? 0 };
  };
  if (method.kind === 'terms') {
    const index = buildCategoryTermIndex(
      train.map((it, i) => ({ itemId: String(i), category: it.category, counts: itemTerms(it) })),
      { minItems: 1, termsPerCategory: method.termsPerCategory, exemplars: 0 },
    );
    const all = index.categories.length;
    return texts.map((t) => rankOf(matchCategories(textTerms(t.text), index, all, -Infinity), t.category));
  }
  const counts = train.map(itemTerms);
  const df = new Map<number, number>();
  for (const c of counts) for (const b of c.keys()) df.set(b, (df.get(b) ?? 0) + 1);
  const vec = (c: Map<number, number>): Float32Array =>
    contentVector(c, (b) => df.get(b) ?? 0, counts.length, method.dims);
  const sums = new Map<string, Float32Array>();
  counts.forEach((c, i) => {
    const cat = train[i]?.category ?? '';
    const s = sums.get(cat) ?? new Float32Array(method.dims);
    const v = vec(c);
    for (let d = 0; d < method.dims; d++) s[d] = (s[d] ?? 0) + (v[d] ?? 0);
    sums.set(cat, s);
  });
  for (const s of sums.values()) normalizeInPlace(s);
  return texts.map((t) => {
    const v = vec(textTerms(t.text));
    const ranked = [...sums]
      .map(([category, c]) => ({ category, similarity: dot(v, c) }))
      .sort((a, b) => b.similarity - a.similarity);
    return rankOf(ranked, t.category);
  });
}

/**
 * The similarity threshold that maximises right minus wrong top-1 mappings among the texts kept: an intent that
 * names the wrong category costs about what a right one gains (a nudge to the wrong shelf), so a mapping is worth
 * keeping where it is right more often than not. Ties go to the lower threshold (more coverage).
 */
export function bestThreshold(ranked: readonly RankedText[]): number {
  const bySim = [...ranked].sort((a, b) => b.similarity - a.similarity);
  let net = 0;
  let best = 0;
  let threshold = bySim[0] ? bySim[0].similarity + 1e-9 : 0;
  for (const r of bySim) {
    net += r.rank === 0 ? 1 : -1;
    if (net >= best) {
      best = net;
      threshold = r.similarity;
    }
  }
  return Math.max(0, threshold);
}

/** What cross-validation inside the training part chose: the method (of those tried) and its threshold. */
export interface CrossValidated {
  readonly method: IntentMethod;
  readonly threshold: number;
  /** Mean held-out top-1 accuracy of each method tried, in the order given. */
  readonly top1: readonly number[];
  readonly thresholds: readonly number[];
}

/**
 * `folds`-fold cross-validation inside the training part only: the method with the best mean held-out top-1 accuracy,
 * and the median of its per-fold best thresholds.
 */
export function crossValidate(
  train: readonly LabelledItem[],
  folds: number,
  methods: readonly IntentMethod[],
  foldOf: (index: number) => number,
): CrossValidated {
  const top1 = methods.map(() => 0);
  const perFold: number[][] = methods.map(() => []);
  for (let f = 0; f < folds; f++) {
    const fit = train.filter((_, i) => foldOf(i) !== f);
    const held = train.filter((_, i) => foldOf(i) === f);
    methods.forEach((m, j) => {
      const ranked = rankTexts(fit, held, m);
      top1[j] = (top1[j] ?? 0) + ranked.filter((r) => r.rank === 0).length / Math.max(1, held.length) / folds;
      perFold[j]?.push(bestThreshold(ranked));
    });
  }
  const best = top1.reduce((b, x, j) => (x > (top1[b] ?? -1) ? j : b), 0);
  const sorted = [...(perFold[best] ?? [])].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const threshold = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { method: methods[best] as IntentMethod, threshold, top1, thresholds: perFold[best] ?? [] };
}
