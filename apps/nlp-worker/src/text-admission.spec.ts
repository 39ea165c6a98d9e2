import type { TextScore } from '@offerstream/nlp';
import { admitText, judge } from './text-admission';

const score = (over: Partial<TextScore>): TextScore => ({
  positive: 0.1,
  sentiment: 'negative',
  categories: [{ category: 'phone', probability: 0.9 }],
  language: 'en',
  tokens: 12,
  flags: [],
  ...over,
});

describe('text admission and judgement', () => {
  it('dead-letters binary payloads with a reason', () => {
    const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('latin1');
    const a = admitText(binary);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/binary/);
  });

  it('admits ordinary, empty and foreign-language text', () => {
    for (const t of ['great phone', '', '质量很差', 'Этот телефон отличный']) expect(admitText(t).ok).toBe(true);
  });

  it('keeps the model result of a scored English or Chinese text and counts it', () => {
    const j = judge(score({}));
    expect(j).toMatchObject({ positive: 0.1, label: 'negative', countable: true, flags: [] });
    expect(judge(score({ flags: ['truncated'] })).countable).toBe(true);
  });

  it('turns text in an unsupported language into a neutral, flagged, uncounted result', () => {
    const j = judge(score({ language: 'other' }));
    expect(j).toMatchObject({ positive: 0.5, label: 'neutral', categories: [], countable: false });
    expect(j.flags).toEqual(['unsupported_language']);
    // Foreign words the vocabulary does not know at all: still a language question, not empty text.
    expect(judge(score({ language: 'other', flags: ['empty'], tokens: 6 })).flags).toEqual(['unsupported_language']);
  });

  it('does not count empty text', () => {
    const j = judge(score({ flags: ['empty'], language: 'other', tokens: 0 }));
    expect(j.countable).toBe(false);
    expect(j.flags).toEqual(['empty']);
  });
});
