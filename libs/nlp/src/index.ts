/*
 * What services run: the NLP signals in Redis (written by the nlp-worker, read by it and the decision service) and
 * the worker-thread scoring pool. Nothing here loads TensorFlow.js; models, training, datasets, evaluation and
 * benchmarks are in `@offerstream/nlp/offline` (offline.ts).
 */
export {
  NlpSignalStore,
  type NlpSignalWriterSettings,
  type ItemReviewEntry,
  type UserSignalEntry,
  type ReviewSentiment,
} from './signals/nlp-signal.store';
export { NlpSignalReader, type ItemSentiment, type IntentScores, type UserIntent } from './signals/nlp-signal.reader';
export { DEFAULT_SENTIMENT_PRIOR, DEFAULT_INTENT_HALF_LIFE_HOURS } from './signals/sentiment-aggregate';
export { TextScoringPool, type TextScoringPoolOptions, type DetailedScores } from './scoring/text-scoring.pool';
export type { TextScore, TextFlag, CategoryScore, TermWeight, TextScorerOptions } from './scoring/text-scorer';
export { looksLikeNonText } from './scoring/text-guards';
export {
  readTextModelManifest,
  TEXT_MODEL_FORMAT,
  type TextModelManifest,
  type TextModelProvenance,
} from './models/text-model.manifest';
export { DEFAULT_MODEL_DIR } from './model-dir';
