import { termCounts } from './content-vector';
import { buildCategoryTermIndex, matchCategories, textTerms, type CategorizedTerms } from './category-term-index';
import { decodeCategories, decodeCategoryRow, encodeCategoryIndex } from '../store/category-index.codec';

const TITLES: Record<string, string[]> = {
  'cat-17': ['trail running shoes', 'leather running shoes', 'kids running sneakers', 'waterproof hiking shoes'],
  'cat-42': ['green tea leaves', 'jasmine green tea', 'black tea bags', 'oolong tea tin'],
  'cat-99': ['usb phone charger', 'fast phone charger cable', 'wireless phone charger pad'],
};

function catalog(): CategorizedTerms[] {
  return Object.entries(TITLES).flatMap(([category, titles]) =>
    titles.map((title, i) => ({
      itemId: `${category}-${i}`,
      category,
      counts: termCounts({ title, description: '', categoryPath: [category] }),
    })),
  );
}

const OPTS = { minItems: 1, termsPerCategory: 1000, exemplars: 2 };

describe('the category term index', () => {
  it('maps a search query to the shop category whose items share its words', () => {
    const index = buildCategoryTermIndex(catalog(), OPTS);
    const [best, second] = matchCategories(textTerms('running shoes for trail'), index, 3, 0);
    expect(best?.category).toBe('cat-17');
    expect(second === undefined || second.similarity < (best?.similarity ?? 0)).toBe(true);
    expect(matchCategories(textTerms('jasmine tea'), index, 1, 0)[0]?.category).toBe('cat-42');
  });

  it('maps text sharing no word with the catalog to no category at all', () => {
    const index = buildCategoryTermIndex(catalog(), OPTS);
    expect(matchCategories(textTerms('quantum chromodynamics lecture'), index, 3, 0)).toEqual([]);
    expect(matchCategories(textTerms(''), index, 3, 0)).toEqual([]);
  });

  it('drops matches below the similarity threshold', () => {
    const index = buildCategoryTermIndex(catalog(), OPTS);
    const [best] = matchCategories(textTerms('phone charger'), index, 1, 0);
    expect(best?.category).toBe('cat-99');
    expect(matchCategories(textTerms('phone charger'), index, 1, (best?.similarity ?? 0) + 1e-6)).toEqual([]);
  });

  it('names each category by its most typical items and leaves out categories with too few items', () => {
    const index = buildCategoryTermIndex(catalog(), { ...OPTS, minItems: 4 });
    expect(index.categories.map((c) => c.category)).toEqual(['cat-17', 'cat-42']);
    expect(index.categories[0]?.exemplars).toHaveLength(2);
    expect(index.categories[0]?.exemplars.every((id) => id.startsWith('cat-17-'))).toBe(true);
  });

  it('keeps at most the given number of terms per category', () => {
    const index = buildCategoryTermIndex(catalog(), { ...OPTS, termsPerCategory: 3 });
    const entries = [...index.rows.values()].reduce((s, r) => s + r.weights.length, 0);
    expect(entries).toBe(3 * index.categories.length);
  });

  it('survives its stored form with the same matches', () => {
    const index = buildCategoryTermIndex(catalog(), OPTS);
    const fields = encodeCategoryIndex(index, '7');
    const rows = new Map([...index.rows.keys()].map((b) => [b, decodeCategoryRow(fields[String(b)] ?? '')]));
    const stored = { docs: Number(fields['docs']), categories: decodeCategories(fields['cats'] ?? '[]'), rows };
    const q = textTerms('green tea');
    const a = matchCategories(q, index, 3, 0);
    const b = matchCategories(q, stored, 3, 0);
    expect(b.map((m) => m.category)).toEqual(a.map((m) => m.category));
    b.forEach((m, i) => expect(m.similarity).toBeCloseTo(a[i]?.similarity ?? 0, 3));
    expect(fields['ver']).toBe('7');
  });
});
