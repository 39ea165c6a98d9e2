import type { CategoryInfo, CategoryTermIndex, CategoryTermRow } from '../rules/category-term-index';

/** Hash fields of the stored category index besides the one field per term bucket. */
export const CATEGORY_INDEX_FIELDS = { version: 'ver', docs: 'docs', categories: 'cats' } as const;

const round = (x: number): number => Math.round(x * 1e5) / 1e5;

/** The index as hash fields: a term bucket's row is `[idf, category index, weight, ...]` in JSON. */
export function encodeCategoryIndex(index: CategoryTermIndex, version: string): Record<string, string> {
  const fields: Record<string, string> = {
    [CATEGORY_INDEX_FIELDS.version]: version,
    [CATEGORY_INDEX_FIELDS.docs]: String(index.docs),
    [CATEGORY_INDEX_FIELDS.categories]: JSON.stringify(
      index.categories.map((c) => ({ c: c.category, n: c.items, e: c.exemplars })),
    ),
  };
  for (const [bucket, row] of index.rows) {
    fields[String(bucket)] = JSON.stringify([round(row.idf), ...row.weights.flatMap(([c, w]) => [c, round(w)])]);
  }
  return fields;
}

export function decodeCategoryRow(raw: string): CategoryTermRow {
  const a = JSON.parse(raw) as number[];
  const weights: [number, number][] = [];
  for (let i = 1; i + 1 < a.length; i += 2) weights.push([a[i] ?? 0, a[i + 1] ?? 0]);
  return { idf: a[0] ?? 0, weights };
}

export function decodeCategories(raw: string): CategoryInfo[] {
  return (JSON.parse(raw) as { c: string; n: number; e: string[] }[]).map((x) => ({
    category: x.c,
    items: x.n,
    exemplars: x.e,
  }));
}
