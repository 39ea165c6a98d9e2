import { Vocabulary } from './vocabulary';

describe('vocabulary', () => {
  const big = Array.from({ length: 50 }, (_, i) => ['的', '好', `zh${i % 10}`]);
  const small = [
    ['great', 'phone'],
    ['awful', 'phone'],
  ];
  const docs = [...big, ...small];
  const groups = [...big.map(() => 'zh'), ...small.map(() => 'en')];

  it('lets the big group take every slot when ranked by document frequency alone', () => {
    const v = Vocabulary.build(docs, 4);
    expect(v.terms.filter((t) => ['great', 'phone', 'awful'].includes(t))).toEqual([]);
  });

  it('reserves a quota for a small group and still ranks ids by overall frequency', () => {
    const v = Vocabulary.buildWithQuotas(docs, groups, { en: 2 }, 4);
    expect(v.size).toBe(5);
    expect(v.terms).toEqual(['好', '的', 'phone', 'awful']);
    expect(v.id('phone')).toBe(3);
  });

  it('never exceeds the size cap even when quotas add up to more', () => {
    const v = Vocabulary.buildWithQuotas(docs, groups, { en: 3, zh: 12 }, 5);
    expect(v.terms).toHaveLength(5);
    expect(v.terms).toContain('great');
  });
});
