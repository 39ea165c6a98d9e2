import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '@offerstream/core';

/*
 * The manifest of a saved text model, apart from the weights code so that a service can check which model it will
 * load (the nlp-worker at boot) without loading TensorFlow.js.
 */
export const TEXT_MODEL_FORMAT = 'offerstream-text-model';

export interface TextModelProvenance {
  /** Semantic version of this trained artifact, bumped when retrained. */
  readonly version: string;
  readonly command: string;
  readonly trainingDataSha256: readonly string[];
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly createdAt?: string;
}

const manifestSchema = z.object({
  format: z.literal(TEXT_MODEL_FORMAT),
  formatVersion: z.literal(1),
  version: z.string().min(1),
  task: z.string(),
  labels: z.array(z.string()).min(1),
  createdAt: z.string(),
  command: z.string(),
  trainingDataSha256: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()),
  tokenizer: z.object({ subwordMin: z.number().int(), subwordMax: z.number().int(), subwordBuckets: z.number().int() }),
  maxTokens: z.number().int().positive(),
  members: z.number().int().positive(),
  model: z.object({
    vocabSize: z.number().int().positive(),
    embeddingDim: z.number().int().positive(),
    numClasses: z.number().int().positive(),
    dropout: z.number(),
    widePooling: z.enum(['sum', 'sqrt']),
  }),
  weightsDtype: z.enum(['float32', 'float16']),
});

export type TextModelManifest = z.infer<typeof manifestSchema>;

export function readModelJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ValidationError(`cannot read model file ${file}`, { file }, cause);
  }
}

export function readTextModelManifest(dir: string): TextModelManifest {
  const parsed = manifestSchema.safeParse(readModelJson(join(dir, 'manifest.json')));
  if (!parsed.success) {
    throw new ValidationError(`invalid text model manifest in ${dir}: ${parsed.error.message}`, { dir });
  }
  return parsed.data;
}
