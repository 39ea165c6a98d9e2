import { seededRandom } from '@offerstream/core';

/** Hashed vocabulary size of the document-frequency table. */
export const CONTENT_BUCKETS = 1 << 20;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Chinese runs become character bigrams (a lone character stays a unigram), everything else lowercase words
 * of two or more characters: no dictionary needed, and mixed-language titles work.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(CJK) ?? []) {
    const chars = [...run];
    if (chars.length === 1) out.push(run);
    for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  }
  for (const w of text.replace(CJK, ' ').toLowerCase().match(WORD) ?? []) if (w.length >= 2) out.push(w);
  return out;
}

/** FNV-1a, for stable term buckets across processes. */
export function termBucket(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % CONTENT_BUCKETS;
}

export interface ContentDoc {
  title: string;
  description: string;
  categoryPath: readonly string[];
}

/** Term-bucket frequencies of an item; title and category count twice as much as the description. */
export function termCounts(doc: ContentDoc): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (text: string, w: number): void => {
    for (const t of tokenize(text)) {
      const b = termBucket(t);
      counts.set(b, (counts.get(b) ?? 0) + w);
    }
  };
  add(doc.title, 2);
  add(doc.categoryPath.join(' '), 2);
  add(doc.description, 1);
  return counts;
}

export function idf(df: number, docs: number): number {
  return Math.log((docs + 1) / (df + 1)) + 1;
}

const signCache = new Map<string, Int8Array>();

/** The fixed random projection: each bucket gets a ±1 row derived from its number, never stored. */
function signs(bucket: number, dims: number): Int8Array {
  const key = `${bucket}:${dims}`;
  let s = signCache.get(key);
  if (!s) {
    const rnd = seededRandom(bucket * 2654435761);
    s = new Int8Array(dims);
    for (let i = 0; i < dims; i++) s[i] = rnd() < 0.5 ? -1 : 1;
    if (signCache.size > 200_000) signCache.clear();
    signCache.set(key, s);
  }
  return s;
}

/**
 * Hashed TF-IDF projected to `dims` by a fixed random sign matrix (Johnson-Lindenstrauss keeps cosines
 * roughly), L2-normalised. `df(bucket)` gives document frequencies, `docs` the number of documents.
 */
export function contentVector(
  counts: Map<number, number>,
  df: (bucket: number) => number,
  docs: number,
  dims: number,
): Float32Array {
  const v = new Float32Array(dims);
  for (const [b, c] of counts) {
    const w = (1 + Math.log(c)) * idf(df(b), docs);
    const s = signs(b, dims);
    for (let i = 0; i < dims; i++) v[i] = (v[i] ?? 0) + w * (s[i] ?? 0);
  }
  let n = 0;
  for (let i = 0; i < dims; i++) n += (v[i] ?? 0) ** 2;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < dims; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}
