import { neighbourItems } from './nearest-users.reader';

describe('items of the nearest users', () => {
  it('sums the neighbours’ similarity votes, recent items weighing more', () => {
    const ranked = neighbourItems(
      [
        { userId: 'a', similarity: 0.9, recentItems: ['x', 'y'] },
        { userId: 'b', similarity: 0.5, recentItems: ['y', 'z'] },
      ],
      10,
    );
    expect(ranked.map((r) => r.itemId)).toEqual(['y', 'x', 'z']);
    expect(ranked[0]?.score).toBeCloseTo(0.9 * 0.5 ** 0.2 + 0.5, 9);
  });

  it('keeps only the k best and nothing without neighbours', () => {
    expect(neighbourItems([{ userId: 'a', similarity: 1, recentItems: ['p', 'q', 'r'] }], 2)).toHaveLength(2);
    expect(neighbourItems([], 5)).toEqual([]);
  });
});
