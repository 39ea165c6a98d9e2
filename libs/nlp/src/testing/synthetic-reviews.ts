import { seededRandom } from '@offerstream/core';

export interface SyntheticReview {
  readonly text: string;
  readonly sentiment: '0' | '1';
  readonly category: string;
}

const WORDS = {
  zh: {
    pos: ['很好', '喜欢', '满意', '不错', '推荐', '划算'],
    neg: ['很差', '失望', '退货', '垃圾', '坏了', '后悔'],
    filler: ['今天', '收到', '这个', '东西', '我们', '感觉', '一下', '还是'],
    cat: { phone: ['手机', '屏幕', '电池'], hotel: ['酒店', '房间', '前台'], fruit: ['水果', '苹果', '新鲜'] },
  },
  en: {
    pos: ['great', 'love', 'excellent', 'perfect', 'recommend', 'happy'],
    neg: ['terrible', 'broken', 'refund', 'awful', 'waste', 'disappointed'],
    filler: ['the', 'this', 'it', 'was', 'and', 'really', 'my', 'order'],
    cat: {
      phone: ['phone', 'screen', 'battery'],
      hotel: ['hotel', 'room', 'staff'],
      fruit: ['fruit', 'apples', 'fresh'],
    },
  },
} as const;

/**
 * A two-language review corpus with a learnable but noisy signal: each text mixes filler, topic words and
 * sentiment words, and 10% of texts carry one word of the opposite polarity.
 */
export function syntheticReviews(count: number, seed = 1): SyntheticReview[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: SyntheticReview[] = [];
  for (let i = 0; i < count; i++) {
    const lang = random() < 0.5 ? WORDS.zh : WORDS.en;
    const sentiment = random() < 0.5 ? '1' : '0';
    const category = pick(['phone', 'hotel', 'fruit'] as const);
    const words: string[] = [];
    for (let j = 0; j < 3; j++) words.push(pick(lang.filler));
    words.push(pick(lang.cat[category]), pick(lang.cat[category]));
    words.push(pick(sentiment === '1' ? lang.pos : lang.neg));
    if (random() < 0.1) words.push(pick(sentiment === '1' ? lang.neg : lang.pos));
    for (let j = words.length - 1; j > 0; j--) {
      const k = Math.floor(random() * (j + 1));
      [words[j], words[k]] = [words[k] as string, words[j] as string];
    }
    out.push({ text: words.join(lang === WORDS.zh ? '' : ' '), sentiment, category });
  }
  return out;
}
