import { bestThreshold, crossValidate, rankTexts, type LabelledItem } from './category-intent.evaluation';

const WORDS: Record<string, string[]> = {
  shoes: ['running', 'shoes', 'sneakers', 'trail', 'laces', 'sole'],
  tea: ['green', 'tea', 'jasmine', 'oolong', 'leaves', 'brew'],
  phones: ['phone', 'charger', 'screen', 'battery', 'cable', 'case'],
};

/** Three-word texts from each category's words, deterministic. */
function items(n: number, offset: number): LabelledItem[] {
  const cats = Object.keys(WORDS);
  return Array.from({ length: n }, (_, i) => {
    const category = cats[i % cats.length] ?? 'shoes';
    const w = WORDS[category] ?? [];
    const text = [0, 1, 2].map((j) => w[(i + offset + j * 2) % w.length]).join(' ');
    return { text, category };
  });
}

describe('the category intent evaluation', () => {
  it('ranks the true category first for texts in the categories’ own words, by either method', () => {
    for (const method of [
      { kind: 'terms', termsPerCategory: 100 },
      { kind: 'projected', dims: 256 },
    ] as const) {
      const ranked = rankTexts(items(60, 0), items(30, 1), method);
      expect(ranked.filter((r) => r.rank === 0).length).toBeGreaterThanOrEqual(27);
    }
  });

  it('puts the threshold where right mappings stop outnumbering wrong ones', () => {
    const ranked = [
      { rank: 0, similarity: 0.9 },
      { rank: 0, similarity: 0.8 },
      { rank: 1, similarity: 0.7 },
      { rank: 0, similarity: 0.6 },
      { rank: 2, similarity: 0.5 },
      { rank: 1, similarity: 0.4 },
    ];
    expect(bestThreshold(ranked)).toBe(0.6);
    expect(bestThreshold([{ rank: 1, similarity: 0.3 }])).toBeGreaterThan(0.3);
  });

  it('chooses among the methods tried by held-out accuracy inside the training part', () => {
    const train = items(90, 0);
    const cv = crossValidate(
      train,
      3,
      [
        { kind: 'terms', termsPerCategory: 1 },
        { kind: 'terms', termsPerCategory: 100 },
      ],
      (i) => Math.floor(i / 3) % 3,
    );
    expect(cv.method).toEqual({ kind: 'terms', termsPerCategory: 100 });
    expect(cv.top1[1]).toBeGreaterThan(cv.top1[0] ?? 1);
    expect(cv.thresholds).toHaveLength(3);
  });
});
