import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCategoryIntentEvaluation } from './category-intent-evaluation';

const WORDS: Record<string, string[]> = {
  鞋子: ['跑步', '鞋底', '舒服', '合脚', '透气', '鞋带'],
  茶叶: ['绿茶', '清香', '泡水', '茶汤', '回甘', '包装'],
};

interface Interval {
  mean: number;
  lo: number;
  hi: number;
}
interface Result {
  train: number;
  test: number;
  categories: number;
  termCentroid: { top1: Interval };
  majority: { top1: Interval };
  crossValidation: { tried: unknown[] };
}

/** A small labelled review file in the layout of online_shopping_10_cats.csv, so the test needs no shared data. */
function writeReviews(dir: string): string {
  const lines = ['cat,label,review'];
  for (const [cat, words] of Object.entries(WORDS)) {
    for (let i = 0; i < 60; i++) {
      const text = [0, 1, 2].map((j) => words[(i + j * 2) % words.length]).join('');
      lines.push(`${cat},${i % 2},${text}`);
    }
  }
  const file = join(dir, 'reviews.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('the category intent evaluation command', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'category-intent-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports held-out accuracy with intervals against the majority class, choosing its settings by CV', async () => {
    const r = (await runCategoryIntentEvaluation([
      '--data',
      writeReviews(dir),
      '--terms',
      '5,50',
      '--folds',
      '3',
      '--resamples',
      '50',
    ])) as unknown as Result;
    expect(r.train + r.test).toBe(120);
    expect(r.categories).toBe(2);
    expect(r.termCentroid.top1.mean).toBeGreaterThan(0.9);
    expect(r.termCentroid.top1.lo).toBeLessThanOrEqual(r.termCentroid.top1.mean);
    expect(r.majority.top1.mean).toBeCloseTo(0.5, 1);
    expect(r.crossValidation.tried).toHaveLength(2);
  });

  it('refuses to run without a data file', async () => {
    await expect(runCategoryIntentEvaluation([])).rejects.toThrow(/--data is required/);
  });
});
