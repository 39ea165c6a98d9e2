export {
  type TextLanguage,
  type TokenizerOptions,
  DEFAULT_TOKENIZER_OPTIONS,
  detectLanguage,
  textFeatures,
  baselineFeatures,
} from './text/text-tokenizer';
export { type LabelledText, type TextDataset, parseTextDataset, loadTextDataset } from './data/text-dataset';
export { stratifiedSplit, type SplitIndices } from './data/stratified-split';
export { Vocabulary } from './models/vocabulary';
export { NaiveBayesModel } from './models/naive-bayes.model';
export { EmbeddingBagModel, type EmbeddingBagConfig } from './models/embedding-bag.model';
export {
  TextClassifier,
  type TextClassifierSpec,
  type EncodedText,
  DEFAULT_MAX_TOKENS,
} from './models/text-classifier';
export {
  saveTextModel,
  loadTextModel,
  readTextModelManifest,
  type TextModelManifest,
  type TextModelProvenance,
} from './models/text-model.io';
export {
  type TrainOptions,
  type TrainingProgress,
  DEFAULT_TRAIN_OPTIONS,
  trainEmbeddingBag,
} from './training/train-text-classifier';
export { type TextModelTrainOptions, type TextTrainingProgress, trainTextModel } from './training/train-text-model';
export { classificationMetrics, type ClassificationMetrics } from './evaluation/classification-metrics';
export { runTextEvaluation, type TextTask } from './evaluation/text-evaluation';
export {
  TextScorer,
  type TextScore,
  type TextFlag,
  type CategoryScore,
  type TermWeight,
  type TextScorerOptions,
  type TextModels,
} from './scoring/text-scorer';
export { TextScoringPool, type TextScoringPoolOptions, type DetailedScores } from './scoring/text-scoring.pool';
export { looksLikeNonText } from './scoring/text-guards';
export { loadDefaultTextModels, DEFAULT_MODEL_DIR, type DefaultTextModels } from './default-text-models';
export { runNlpBenchmark, type NlpBenchmarkOptions, type NlpBenchmarkResult } from './benchmark/nlp-benchmark';
export {
  NlpSignalStore,
  type NlpSignalWriterSettings,
  type ItemReviewEntry,
  type UserSignalEntry,
  type ReviewSentiment,
} from './signals/nlp-signal.store';
export { NlpSignalReader, type ItemSentiment, type IntentScores, type UserIntent } from './signals/nlp-signal.reader';
export { DEFAULT_SENTIMENT_PRIOR, DEFAULT_INTENT_HALF_LIFE_HOURS } from './signals/sentiment-aggregate';
