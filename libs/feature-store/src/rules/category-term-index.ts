import { idf, termCounts } from './content-vector';

/** An item as the category index is built from it: its term-bucket counts and the shop category it is filed under. */
export interface CategorizedTerms {
  readonly itemId: string;
  readonly category: string;
  readonly counts: ReadonlyMap<number, number>;
}

export interface CategoryMatch {
  /** The shop's own category id. */
  readonly category: string;
  /** Cosine of the text's TF-IDF with the category centroid (over the centroid's kept terms). */
  readonly similarity: number;
  /** The category's most typical items: candidates when a user intends the category. */
  readonly exemplars: readonly string[];
}

export interface CategoryInfo {
  readonly category: string;
  readonly items: number;
  readonly exemplars: readonly string[];
}

/**
 * Per term bucket: its IDF and the categories whose unit TF-IDF centroid weighs it, as [category index, weight].
 * Held inverted so that a query reads only the rows of its own terms.
 */
export interface CategoryTermRow {
  readonly idf: number;
  readonly weights: readonly (readonly [number, number])[];
}

export interface CategoryTermIndex {
  /** Items the index was built from: the IDF of a term the catalog never used. */
  readonly docs: number;
  readonly categories: readonly CategoryInfo[];
  readonly rows: ReadonlyMap<number, CategoryTermRow>;
}

export interface CategoryIndexOptions {
  /** Categories with fewer items are left out (one odd item is not a category's vocabulary). */
  readonly minItems: number;
  /** Terms kept per category centroid, the heaviest: bounds the index at categories x terms entries. */
  readonly termsPerCategory: number;
  readonly exemplars: number;
}

/** Unit-length TF-IDF of term counts, the weighting the item content vectors use before their projection. */
export function tfidf(counts: ReadonlyMap<number, number>, idfOf: (bucket: number) => number): Map<number, number> {
  const w = new Map<number, number>();
  let n = 0;
  for (const [b, c] of counts) {
    const x = (1 + Math.log(c)) * idfOf(b);
    w.set(b, x);
    n += x * x;
  }
  n = Math.sqrt(n);
  if (n > 0) for (const [b, x] of w) w.set(b, x / n);
  return w;
}

/** Term counts of a search query or review, tokenised as an item's title is. */
export const textTerms = (text: string): Map<number, number> =>
  termCounts({ title: text, description: '', categoryPath: [] });

/**
 * Nearest-centroid (Rocchio) classifier over the catalog's own texts: each category's centroid is the normalised sum
 * of its items' unit TF-IDF vectors, in the sparse hashed-term space rather than the 64-d projection the item vectors
 * are stored in (the projection's noise, about 1/sqrt(dims) per cosine, drowns the small cosines of short texts:
 * docs/benchmarks.md, "Intent in the shop's categories").
 */
export function buildCategoryTermIndex(
  items: readonly CategorizedTerms[],
  opts: CategoryIndexOptions,
): CategoryTermIndex {
  const df = new Map<number, number>();
  for (const it of items) for (const b of it.counts.keys()) df.set(b, (df.get(b) ?? 0) + 1);
  const idfOf = (b: number): number => idf(df.get(b) ?? 0, items.length);
  const groups = new Map<string, { itemId: string; w: Map<number, number> }[]>();
  for (const it of items) {
    const g = groups.get(it.category) ?? [];
    g.push({ itemId: it.itemId, w: tfidf(it.counts, idfOf) });
    groups.set(it.category, g);
  }
  const categories: CategoryInfo[] = [];
  const rows = new Map<number, { idf: number; weights: [number, number][] }>();
  for (const [category, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (members.length < opts.minItems) continue;
    const sum = new Map<number, number>();
    for (const m of members) for (const [b, x] of m.w) sum.set(b, (sum.get(b) ?? 0) + x);
    const kept = [...sum].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, opts.termsPerCategory);
    const norm = Math.sqrt(kept.reduce((s, [, x]) => s + x * x, 0)) || 1;
    const centroid = new Map(kept.map(([b, x]) => [b, x / norm]));
    const exemplars = members
      .map((m) => ({ itemId: m.itemId, score: dotSparse(m.w, centroid) }))
      .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, opts.exemplars)
      .map((e) => e.itemId);
    const index = categories.length;
    categories.push({ category, items: members.length, exemplars });
    for (const [b, x] of centroid) {
      const row = rows.get(b) ?? { idf: idfOf(b), weights: [] };
      row.weights.push([index, x]);
      rows.set(b, row);
    }
  }
  return { docs: items.length, categories, rows };
}

/** The `k` categories nearest a text's terms, those below `minSimilarity` dropped (unrelated text maps to none). */
export function matchCategories(
  counts: ReadonlyMap<number, number>,
  index: Pick<CategoryTermIndex, 'docs' | 'categories'> & { rows: ReadonlyMap<number, CategoryTermRow | undefined> },
  k: number,
  minSimilarity: number,
): CategoryMatch[] {
  // Terms the catalog never used carry no category evidence but still lengthen the text, as in the item vectors.
  const unseen = idf(0, index.docs);
  const q = tfidf(counts, (b) => index.rows.get(b)?.idf ?? unseen);
  const sims = new Map<number, number>();
  for (const [b, x] of q) {
    for (const [c, w] of index.rows.get(b)?.weights ?? []) sims.set(c, (sims.get(c) ?? 0) + x * w);
  }
  const out: CategoryMatch[] = [];
  for (const [c, similarity] of sims) {
    const info = index.categories[c];
    if (info && similarity >= minSimilarity && similarity > 0) {
      out.push({ category: info.category, similarity, exemplars: info.exemplars });
    }
  }
  out.sort((a, b) => b.similarity - a.similarity || (a.category < b.category ? -1 : 1));
  return out.slice(0, Math.max(0, k));
}

function dotSparse(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  let s = 0;
  for (const [k, x] of a) s += x * (b.get(k) ?? 0);
  return s;
}
