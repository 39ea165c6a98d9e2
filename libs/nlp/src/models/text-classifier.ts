import {
  DEFAULT_TOKENIZER_OPTIONS,
  type TextLanguage,
  type TokenizerOptions,
  detectLanguage,
  textFeatures,
} from '../text/text-tokenizer';
import { type EmbeddingBagModel } from './embedding-bag.model';
import { type Vocabulary } from './vocabulary';

export interface TextClassifierSpec {
  readonly task: string;
  /** Class names; probability rows follow this order. */
  readonly labels: readonly string[];
  readonly tokenizer: TokenizerOptions;
  /** Features kept per text; longer texts are cut (and flagged) so cost per text is bounded. */
  readonly maxTokens: number;
}

export interface EncodedText {
  readonly ids: Int32Array;
  /** Features extracted (after truncation), known to the vocabulary or not. */
  readonly tokens: number;
  readonly truncated: boolean;
  readonly language: TextLanguage;
}

export interface ExtractedText {
  readonly features: string[];
  readonly tokens: number;
  readonly truncated: boolean;
  readonly language: TextLanguage;
}

export const DEFAULT_MAX_TOKENS = 512;

/**
 * Tokenizer + vocabulary + one or more embedding-bag members whose probabilities are averaged (small training
 * sets train several members on different validation folds; large sets one).
 */
export class TextClassifier {
  constructor(
    readonly spec: TextClassifierSpec,
    readonly vocabulary: Vocabulary,
    readonly members: readonly EmbeddingBagModel[],
  ) {}

  get numClasses(): number {
    return this.spec.labels.length;
  }

  extract(text: string): ExtractedText {
    // Cut the raw string first so a multi-megabyte input never reaches the regex tokenizer whole.
    const maxChars = this.spec.maxTokens * 8;
    const head = text.length > maxChars ? text.slice(0, maxChars) : text;
    const all = textFeatures(head, this.spec.tokenizer);
    const truncated = head.length < text.length || all.length > this.spec.maxTokens;
    const features = all.length > this.spec.maxTokens ? all.slice(0, this.spec.maxTokens) : all;
    return { features, tokens: features.length, truncated, language: detectLanguage(head) };
  }

  /** True when `other` tokenizes identically, so features extracted by one can be encoded by the other. */
  sharesTokenizer(other: TextClassifier): boolean {
    return (
      JSON.stringify([this.spec.tokenizer, this.spec.maxTokens]) ===
      JSON.stringify([other.spec.tokenizer, other.spec.maxTokens])
    );
  }

  encodeExtracted(extracted: ExtractedText): EncodedText {
    const { features, ...rest } = extracted;
    return { ...rest, ids: this.vocabulary.encode(features) };
  }

  encode(text: string): EncodedText {
    return this.encodeExtracted(this.extract(text));
  }

  /** Row-major probabilities (`numClasses` per document), averaged over members. */
  predictEncoded(docs: readonly Int32Array[]): Float32Array {
    const out = new Float32Array(docs.length * this.numClasses);
    for (const member of this.members) {
      const p = member.predictProba(docs);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (p[i] as number) / this.members.length;
    }
    return out;
  }

  predictProba(texts: readonly string[]): Float32Array {
    return this.predictEncoded(texts.map((t) => this.encode(t).ids));
  }

  predictLabels(texts: readonly string[]): string[] {
    return argmaxRows(this.predictProba(texts), this.numClasses).map((c) => this.spec.labels[c] as string);
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

export function argmaxRows(probs: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i * k < probs.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    out.push(best);
  }
  return out;
}

export { DEFAULT_TOKENIZER_OPTIONS };
