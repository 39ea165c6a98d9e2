import { baselineFeatures, detectLanguage, fnv1a, textFeatures } from './text-tokenizer';

describe('text tokenizer', () => {
  it('splits Chinese into characters and character bigrams', () => {
    expect(baselineFeatures('很好用')).toEqual(['很', '很好', '好', '好用', '用']);
  });

  it('gives English lowercased words, word bigrams and hashed subwords', () => {
    const f = textFeatures('Great Phone');
    expect(f).toContain('w:great');
    expect(f).toContain('w:phone');
    expect(f).toContain('b:great phone');
    expect(f.some((x) => x.startsWith('#'))).toBe(true);
    expect(baselineFeatures('Great Phone')).toEqual(['w:great', 'w:phone', 'b:great phone']);
  });

  it('does not pair words across a Chinese run', () => {
    expect(textFeatures('iPad很好 case').filter((x) => x.startsWith('b:'))).toEqual([]);
  });

  it('detects Chinese, English and other scripts', () => {
    expect(detectLanguage('这个手机很好用，iPhone 15')).toBe('zh');
    expect(detectLanguage('This phone is great')).toBe('en');
    expect(detectLanguage('Этот телефон отличный')).toBe('other');
    expect(detectLanguage('12345 !!!')).toBe('other');
  });

  it('hashes stably across runs', () => {
    expect(fnv1a('abc')).toBe(440920331);
  });
});

describe('text tokenizer on mixed runs', () => {
  it('keeps digits and Latin words apart from adjacent Chinese characters', () => {
    expect(baselineFeatures('用了3天就坏')).toEqual(['用', '用了', '了', 'w:3', '天', '天就', '就', '就坏', '坏']);
  });
});
