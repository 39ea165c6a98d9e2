import { alignSplits, parseLightGcnText } from './lightgcn-format';

describe('LightGCN text format', () => {
  it('tolerates trailing spaces, empty lines and users with no items', () => {
    const lists = parseLightGcnText('0 1 2 \n\n1\n2 0  3\r\n   \n');
    expect(lists.get(0)).toEqual([1, 2]);
    expect(lists.get(1)).toEqual([]);
    expect(lists.get(2)).toEqual([0, 3]);
  });

  it('aligns train and test so ids cover both splits', () => {
    const split = alignSplits(parseLightGcnText('0 1\n1 2'), parseLightGcnText('2 5\n0 1 1'));
    expect(split.numUsers).toBe(3);
    expect(split.numItems).toBe(6);
    expect(split.testLists[0]).toEqual([1]);
    expect(split.trainLists[2]).toEqual([]);
  });

  it('rejects lines that are not integer lists', () => {
    expect(() => parseLightGcnText('0 a 2')).toThrow(/non-negative integers/);
  });
});
