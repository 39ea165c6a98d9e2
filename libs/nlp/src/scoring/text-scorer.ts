import type { ExtractedText, TextClassifier } from '../models/text-classifier';
import type { TextLanguage } from '../text/text-tokenizer';
import { detectLanguage, displayFeature } from '../text/text-tokenizer';
import { looksLikeNonText } from './text-guards';

export type TextFlag = 'empty' | 'truncated' | 'unsupported';

export interface CategoryScore {
  readonly category: string;
  readonly probability: number;
}

export interface TextScore {
  /** Probability that the text is positive; 0.5 when the text could not be judged. */
  readonly positive: number;
  readonly sentiment: 'positive' | 'negative' | 'neutral';
  /** Top-k categories, most likely first; empty when there is no category model or no usable text. */
  readonly categories: CategoryScore[];
  readonly language: TextLanguage;
  readonly tokens: number;
  readonly flags: TextFlag[];
}

export interface TermWeight {
  readonly term: string;
  /** Summed contribution towards the negative class over the texts where the term occurs. */
  readonly score: number;
  readonly count: number;
}

export interface TextScorerOptions {
  readonly topK: number;
  /** Between 0.5 - band and 0.5 + band the sentiment is called neutral. */
  readonly neutralBand: number;
}

export interface TextModels {
  readonly sentiment: TextClassifier;
  readonly category?: TextClassifier;
}

const DEFAULT_OPTIONS: TextScorerOptions = { topK: 3, neutralBand: 0.1 };

/** Scores batches of review / search texts with the sentiment model and, when present, the category model. */
export class TextScorer {
  private readonly options: TextScorerOptions;
  private readonly positiveIndex: number;
  private negativity: { wide: Float32Array; deep: Float32Array } | undefined;

  constructor(
    readonly models: TextModels,
    options: Partial<TextScorerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    const labels = models.sentiment.spec.labels;
    this.positiveIndex = labels.indexOf('1');
    if (this.positiveIndex < 0)
      throw new Error(`sentiment model has no positive label "1" (labels ${labels.join(',')})`);
  }

  scoreBatch(texts: readonly string[], topK = this.options.topK): TextScore[] {
    const sentiment = this.models.sentiment;
    const category = this.models.category;
    const shared = category !== undefined && sentiment.sharesTokenizer(category);
    const extracted = texts.map((t) => {
      if (typeof t !== 'string' || t.trim() === '') return undefined;
      if (looksLikeNonText(t)) return null;
      return sentiment.extract(t);
    });
    const encoded = extracted.map((x) => (x ? sentiment.encodeExtracted(x) : x));
    const live = encoded.flatMap((e, i) => (e ? [i] : []));
    const sentProbs = sentiment.predictEncoded(live.map((i) => (encoded[i] as { ids: Int32Array }).ids));
    const catProbs = category
      ? category.predictEncoded(
          live.map((i) =>
            shared
              ? category.encodeExtracted(extracted[i] as ExtractedText).ids
              : category.encode(texts[i] as string).ids,
          ),
        )
      : undefined;
    const row = new Map(live.map((docIndex, r) => [docIndex, r]));
    return texts.map((text, i) => {
      const enc = encoded[i];
      if (enc === undefined) {
        return { positive: 0.5, sentiment: 'neutral', categories: [], language: 'other', tokens: 0, flags: ['empty'] };
      }
      if (enc === null) {
        return {
          positive: 0.5,
          sentiment: 'neutral',
          categories: [],
          language: 'other',
          tokens: 0,
          flags: ['unsupported'],
        };
      }
      const r = row.get(i) as number;
      const flags: TextFlag[] = enc.truncated ? ['truncated'] : [];
      if (enc.ids.length === 0) flags.push('empty');
      const k = sentiment.numClasses;
      const positive = enc.ids.length === 0 ? 0.5 : (sentProbs[r * k + this.positiveIndex] as number);
      const band = this.options.neutralBand;
      const label = positive >= 0.5 + band ? 'positive' : positive <= 0.5 - band ? 'negative' : 'neutral';
      return {
        positive,
        sentiment: label,
        categories: catProbs && category && enc.ids.length > 0 ? topCategories(catProbs, r, category, topK, 0) : [],
        language: enc.language,
        tokens: enc.tokens,
        flags,
      };
    });
  }

  /**
   * Search intent: categories whose probability reaches `threshold` (at most `topK`), most likely first.
   * Empty when there is no category model or the query has no known features.
   */
  searchIntent(query: string, threshold = 0.2, topK = 3): CategoryScore[] {
    const category = this.models.category;
    if (!category || query.trim() === '' || looksLikeNonText(query)) return [];
    const enc = category.encode(query);
    if (enc.ids.length === 0) return [];
    return topCategories(category.predictEncoded([enc.ids]), 0, category, topK, threshold);
  }

  /**
   * Terms that push these texts (typically the negative reviews of one product) towards negative, summed over
   * the texts: the linear path's per-term weight plus the embedding path's mean-pooled share.
   */
  topTerms(texts: readonly string[], k = 10): TermWeight[] {
    const model = this.models.sentiment;
    const negativity = this.termNegativity();
    const totals = new Map<number, { score: number; count: number }>();
    for (const text of texts) {
      if (!text || looksLikeNonText(text)) continue;
      const enc = model.encode(text);
      for (const id of enc.ids) {
        const t = totals.get(id) ?? { score: 0, count: 0 };
        t.score += negativity.wide[id] as number;
        t.score += (negativity.deep[id] as number) / Math.max(1, enc.ids.length);
        t.count++;
        totals.set(id, t);
      }
    }
    const out: TermWeight[] = [];
    for (const [id, t] of totals) {
      const term = displayFeature(model.vocabulary.term(id) ?? '');
      if (term === undefined || term === '' || t.score <= 0) continue;
      out.push({ term, score: t.score, count: t.count });
    }
    out.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1));
    return out.slice(0, k);
  }

  private termNegativity(): { wide: Float32Array; deep: Float32Array } {
    if (!this.negativity) {
      const model = this.models.sentiment;
      const v = model.vocabulary.size;
      const wide = new Float32Array(v);
      const deep = new Float32Array(v);
      const pos = this.positiveIndex;
      const k = model.numClasses;
      for (const m of model.members) {
        const u = m.wide.dataSync();
        const e = m.embedding.dataSync();
        const w = m.dense.dataSync();
        const d = m.config.embeddingDim;
        for (let id = 1; id < v; id++) {
          let neg = 0;
          // Negative evidence: mean logit of the other classes minus the positive logit.
          for (let c = 0; c < k; c++) if (c !== pos) neg += (u[id * k + c] as number) / (k - 1);
          wide[id] = (wide[id] as number) + (neg - (u[id * k + pos] as number)) / model.members.length;
          let dot = 0;
          for (let j = 0; j < d; j++) {
            let dw = 0;
            for (let c = 0; c < k; c++) if (c !== pos) dw += (w[j * k + c] as number) / (k - 1);
            dot += (e[id * d + j] as number) * (dw - (w[j * k + pos] as number));
          }
          deep[id] = (deep[id] as number) + dot / model.members.length;
        }
      }
      this.negativity = { wide, deep };
    }
    return this.negativity;
  }
}

function topCategories(
  probs: Float32Array,
  row: number,
  model: TextClassifier,
  topK: number,
  threshold: number,
): CategoryScore[] {
  const k = model.numClasses;
  const all: CategoryScore[] = [];
  for (let c = 0; c < k; c++) {
    all.push({ category: model.spec.labels[c] as string, probability: probs[row * k + c] as number });
  }
  all.sort((a, b) => b.probability - a.probability);
  return all.filter((s) => s.probability >= threshold).slice(0, topK);
}

export { detectLanguage };
