import type { TokenizerOptions } from '../text/text-tokenizer';
import { DEFAULT_TOKENIZER_OPTIONS, textFeatures } from '../text/text-tokenizer';
import { DEFAULT_MAX_TOKENS, TextClassifier } from '../models/text-classifier';
import { Vocabulary } from '../models/vocabulary';
import type { EmbeddingBagModel } from '../models/embedding-bag.model';
import { type TrainOptions, type TrainingProgress, trainEmbeddingBag } from './train-text-classifier';

export interface TextModelTrainOptions extends Partial<TrainOptions> {
  readonly task?: string;
  readonly maxVocab?: number;
  /** Per-text group (e.g. language) and per-group vocabulary quotas; see Vocabulary.buildWithQuotas. */
  readonly vocabGroups?: readonly string[];
  readonly vocabQuotas?: Readonly<Record<string, number>>;
  readonly maxTokens?: number;
  /** 0 = by rule: several members for small sets (variance dominates there), one for large sets. */
  readonly members?: number;
  readonly tokenizer?: TokenizerOptions;
}

export interface TextTrainingProgress extends TrainingProgress {
  readonly member: number;
  readonly members: number;
}

export interface TextModelTrainReport {
  readonly members: number;
  readonly vocabularySize: number;
  readonly bestEpochs: number[];
  readonly valAccuracy: number[];
}

export function defaultMembers(n: number): number {
  return n < 5000 ? 5 : 1;
}

/** Fits vocabulary and model(s) on texts with string labels. */
export async function trainTextModel(
  texts: readonly string[],
  labels: readonly string[],
  options: TextModelTrainOptions = {},
  onProgress?: (p: TextTrainingProgress) => void,
): Promise<{ classifier: TextClassifier; report: TextModelTrainReport }> {
  const tokenizer = options.tokenizer ?? DEFAULT_TOKENIZER_OPTIONS;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const classNames = [...new Set(labels)].sort();
  const classIndex = new Map(classNames.map((l, i) => [l, i]));
  const features = texts.map((t) => textFeatures(t.slice(0, maxTokens * 8), tokenizer).slice(0, maxTokens));
  const maxVocab = options.maxVocab ?? 200_000;
  const vocabulary =
    options.vocabGroups && options.vocabQuotas
      ? Vocabulary.buildWithQuotas(features, options.vocabGroups, options.vocabQuotas, maxVocab)
      : Vocabulary.build(features, maxVocab);
  const docs = features.map((f) => vocabulary.encode(f));
  const y = labels.map((l) => classIndex.get(l) as number);
  const count = options.members && options.members > 0 ? options.members : defaultMembers(texts.length);
  const members: EmbeddingBagModel[] = [];
  const bestEpochs: number[] = [];
  const valAccuracy: number[] = [];
  const seed = options.seed ?? 42;
  for (let m = 0; m < count; m++) {
    const result = await trainEmbeddingBag(
      docs,
      y,
      classNames.length,
      vocabulary.size,
      { ...options, seed: seed + m * 1000 },
      onProgress ? (p) => onProgress({ ...p, member: m + 1, members: count }) : undefined,
    );
    members.push(result.model);
    bestEpochs.push(result.bestEpoch);
    valAccuracy.push(result.valAccuracy);
  }
  const classifier = new TextClassifier(
    { task: options.task ?? 'text', labels: classNames, tokenizer, maxTokens },
    vocabulary,
    members,
  );
  return { classifier, report: { members: count, vocabularySize: vocabulary.size, bestEpochs, valAccuracy } };
}
