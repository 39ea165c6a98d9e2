import { seededRandom } from '@offerstream/core';

// Written for the benchmark (not taken from any data set): review-like clauses in the two model languages.
const ZH = [
  '物流很快，包装也很好',
  '质量不错，和描述的一样',
  '用了几天就坏了，非常失望',
  '客服态度很差，不会再买了',
  '酒店位置方便，房间干净',
  '性价比很高，推荐购买',
  '味道一般，价格有点贵',
  '屏幕清晰，运行流畅，电池也耐用',
  '衣服尺码偏小，颜色有色差',
  '洗发水香味淡淡的，洗完头发很顺',
  '书的内容很精彩，印刷质量好',
  '热水器安装师傅很专业',
  '水果不新鲜，有几个已经烂了',
  '牛奶口感好，孩子很喜欢喝',
];
const EN = [
  'Great phone, the battery lasts all day.',
  'The case broke after a week, very disappointed.',
  'Sound quality is excellent and the price was fair.',
  'Terrible customer service, I returned it.',
  'Works as described, fast shipping.',
  'The charger stopped working and the seller never answered.',
  'Comfortable headset, clear calls, highly recommended.',
  'Cheap plastic, feels flimsy, not worth the money.',
];

/** Deterministic mix of short and long, Chinese and English review texts. */
export function sampleReviews(count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const zh = random() < 0.7;
    const pool = zh ? ZH : EN;
    const clauses = 1 + Math.floor(random() * 4);
    const parts: string[] = [];
    for (let c = 0; c < clauses; c++) parts.push(pool[Math.floor(random() * pool.length)] as string);
    out.push(parts.join(zh ? '，' : ' '));
  }
  return out;
}
