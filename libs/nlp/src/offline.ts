/*
 * Offline NLP (`@offerstream/nlp/offline`): tokenizer, datasets, models and their files, training, evaluation and
 * the benchmark, used by commands, benchmarks and the scoring worker threads. Importing it loads TensorFlow.js.
 */
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
export { saveTextModel, loadTextModel } from './models/text-model.io';
export {
  type TrainOptions,
  type TrainingProgress,
  DEFAULT_TRAIN_OPTIONS,
  trainEmbeddingBag,
} from './training/train-text-classifier';
export { type TextModelTrainOptions, type TextTrainingProgress, trainTextModel } from './training/train-text-model';
export { classificationMetrics, type ClassificationMetrics } from './evaluation/classification-metrics';
export { runTextEvaluation, type TextTask } from './evaluation/text-evaluation';
export { TextScorer, type TextModels } from './scoring/text-scorer';
export { loadDefaultTextModels, type DefaultTextModels } from './default-text-models';
export { runNlpBenchmark, type NlpBenchmarkOptions, type NlpBenchmarkResult } from './benchmark/nlp-benchmark';
