/**
 * Language-aware feature extraction for short review / search texts.
 *
 * Han (and kana/hangul) runs are not segmented into words: characters and character bigrams carry most of the
 * signal in Chinese reviews and need no dictionary. Other letter runs are words; English gets lowercased words,
 * word bigrams and hashed character n-grams of `<word>` so that misspellings and inflections share features.
 */

export type TextLanguage = 'zh' | 'en' | 'other';

export interface TokenizerOptions {
  /** Character n-gram sizes for non-CJK words (fastText subwords). */
  readonly subwordMin: number;
  readonly subwordMax: number;
  /** Subwords are hashed into this many buckets so the vocabulary stays bounded. */
  readonly subwordBuckets: number;
}

export const DEFAULT_TOKENIZER_OPTIONS: TokenizerOptions = { subwordMin: 3, subwordMax: 5, subwordBuckets: 1 << 16 };

interface Segment {
  readonly cjk: boolean;
  readonly text: string;
}

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// A run is either CJK characters, or a word of letters/digits (apostrophes kept inside words: "don't").
const SEGMENT =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)|((?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+(?:'\p{L}+)*)/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;

/** FNV-1a 32-bit: stable across processes and platforms, which a shipped model's hashed features require. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function segments(text: string): Segment[] {
  const out: Segment[] = [];
  for (const m of text.matchAll(SEGMENT)) {
    if (m[1] !== undefined) out.push({ cjk: true, text: m[1] });
    else if (m[2] !== undefined) out.push({ cjk: false, text: m[2].toLowerCase() });
  }
  return out;
}

/**
 * Decides the dominant language from letters only, so digits and punctuation do not make a Chinese review
 * look "other". Latin text is reported as English: the model has no other Latin-script training data.
 */
export function detectLanguage(text: string): TextLanguage {
  let cjk = 0;
  let latin = 0;
  let otherLetters = 0;
  for (const ch of text) {
    if (CJK_CHAR.test(ch)) cjk++;
    else if (LATIN_LETTER.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) otherLetters++;
  }
  const letters = cjk + latin + otherLetters;
  if (letters === 0) return 'other';
  // A Han character carries roughly a word's worth of meaning, so it outweighs a Latin letter.
  if (cjk * 3 >= latin && cjk >= otherLetters) return 'zh';
  if (latin >= otherLetters) return 'en';
  return 'other';
}

function pushCjk(run: string, out: string[]): void {
  const chars = Array.from(run);
  for (let i = 0; i < chars.length; i++) {
    out.push(chars[i] as string);
    if (i + 1 < chars.length) out.push((chars[i] as string) + (chars[i + 1] as string));
  }
}

function pushSubwords(word: string, options: TokenizerOptions, out: string[]): void {
  const chars = Array.from(`<${word}>`);
  for (let n = options.subwordMin; n <= options.subwordMax; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      out.push(`#${fnv1a(gram) % options.subwordBuckets}`);
    }
  }
}

/**
 * Model features of one text, in text order, duplicates kept. Word bigrams do not cross a CJK run, and CJK
 * bigrams do not cross a word, because neither pairing means anything.
 */
export function textFeatures(text: string, options: TokenizerOptions = DEFAULT_TOKENIZER_OPTIONS): string[] {
  return wordAndCjkFeatures(text, (word, out) => {
    if (Array.from(word).length > 1) pushSubwords(word, options, out);
  });
}

/** The naive Bayes baseline's features: character uni+bigrams for CJK, words + word bigrams otherwise. */
export function baselineFeatures(text: string): string[] {
  return wordAndCjkFeatures(text);
}

/** CJK character features, words and word bigrams; `perWord` adds a word's own extra features after its bigram. */
function wordAndCjkFeatures(text: string, perWord?: (word: string, out: string[]) => void): string[] {
  const out: string[] = [];
  let previousWord: string | undefined;
  for (const seg of segments(text)) {
    if (seg.cjk) {
      pushCjk(seg.text, out);
      previousWord = undefined;
      continue;
    }
    out.push(`w:${seg.text}`);
    if (previousWord !== undefined) out.push(`b:${previousWord} ${seg.text}`);
    perWord?.(seg.text, out);
    previousWord = seg.text;
  }
  return out;
}

/** Human-readable form of a feature (for top-terms output); hashed subwords have none. */
export function displayFeature(feature: string): string | undefined {
  if (feature.startsWith('#')) return undefined;
  if (feature.startsWith('w:') || feature.startsWith('b:')) return feature.slice(2);
  return feature;
}
