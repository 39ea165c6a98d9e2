import { looksLikeNonText, type CategoryScore, type TextScore } from '@offerstream/nlp';

/** Flags that mean the text carried no usable signal: the event gets a neutral result and is not aggregated. */
const NO_SIGNAL_FLAGS = new Set(['empty', 'unsupported', 'unsupported_language']);

export type Admission = { ok: true } | { ok: false; code: string; reason: string };

/**
 * Decided before scoring. Binary or control-character payloads are a producer bug, not a customer's words, so
 * they go to the dead-letter topic (with the reason) where someone can fix and replay them. Empty text, text in
 * a language the model was not trained on and over-long text are legitimate input and get a flagged result.
 * (Texts over the contract's 20,000 characters, or events over 256 KiB, never get here: the consumer
 * dead-letters them as schema violations.)
 */
export function admitText(text: string): Admission {
  if (looksLikeNonText(text)) {
    return {
      ok: false,
      code: 'BINARY_TEXT',
      reason: 'text looks binary (control characters, replacement characters or symbol soup)',
    };
  }
  return { ok: true };
}

export interface Judgement {
  readonly positive: number;
  readonly label: 'positive' | 'negative' | 'neutral';
  readonly categories: CategoryScore[];
  readonly language: string;
  readonly flags: string[];
  /** False when the text gave no signal; such events are published and counted apart, never averaged in. */
  readonly countable: boolean;
}

/** Turns a model score into the worker's defined result, adding the wrong-language rule. */
export function judge(score: TextScore): Judgement {
  // Text with words but none the model knows, in a script it was not trained on, is "unsupported language",
  // not "empty" (the scorer only sees that no known feature was left).
  const foreign = score.language === 'other' && score.tokens > 0 && !score.flags.includes('unsupported');
  const flags: string[] = score.flags.filter((f) => !(foreign && f === 'empty'));
  if (foreign) flags.push('unsupported_language');
  const countable = !flags.some((f) => NO_SIGNAL_FLAGS.has(f));
  if (!countable)
    return { positive: 0.5, label: 'neutral', categories: [], language: score.language, flags, countable };
  return {
    positive: score.positive,
    label: score.sentiment,
    categories: score.categories,
    language: score.language,
    flags,
    countable,
  };
}
