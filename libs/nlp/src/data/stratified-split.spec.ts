import { stratifiedSplit } from './stratified-split';

describe('stratified split', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 'rare' : i % 2 === 0 ? 'a' : 'b'));

  it('is deterministic for a seed and changes with the seed', () => {
    expect(stratifiedSplit(labels, 0.2, 42)).toEqual(stratifiedSplit(labels, 0.2, 42));
    expect(stratifiedSplit(labels, 0.2, 42).test).not.toEqual(stratifiedSplit(labels, 0.2, 7).test);
  });

  it('keeps each label share in the test part and partitions all rows', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 42);
    expect(train.length + test.length).toBe(labels.length);
    expect(new Set([...train, ...test]).size).toBe(labels.length);
    for (const label of ['rare', 'a', 'b']) {
      const total = labels.filter((l) => l === label).length;
      const inTest = test.filter((i) => labels[i] === label).length;
      expect(inTest).toBe(Math.round(total * 0.2));
    }
  });
});
