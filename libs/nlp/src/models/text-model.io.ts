import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { toFloat16Array, ValidationError } from '@offerstream/core';
import {
  readModelJson as readJson,
  readTextModelManifest,
  TEXT_MODEL_FORMAT,
  type TextModelManifest,
  type TextModelProvenance,
} from './text-model.manifest';
import { EmbeddingBagModel } from './embedding-bag.model';
import { TextClassifier } from './text-classifier';
import { Vocabulary } from './vocabulary';

/**
 * Writes manifest.json (provenance), vocab.json, and the tf.io pair model.json + weights.bin through a
 * `tf.io.withSaveHandler` handler: file:// handlers need tfjs-node, which this project does not require.
 */
export async function saveTextModel(
  classifier: TextClassifier,
  dir: string,
  provenance: TextModelProvenance,
  options: { float16?: boolean } = {},
): Promise<TextModelManifest> {
  mkdirSync(dir, { recursive: true });
  const first = classifier.members[0];
  if (!first) throw new ValidationError('cannot save a classifier without members');
  const manifest: TextModelManifest = {
    format: TEXT_MODEL_FORMAT,
    formatVersion: 1,
    version: provenance.version,
    task: classifier.spec.task,
    labels: [...classifier.spec.labels],
    createdAt: provenance.createdAt ?? new Date().toISOString(),
    command: provenance.command,
    trainingDataSha256: [...provenance.trainingDataSha256],
    metrics: { ...provenance.metrics },
    tokenizer: { ...classifier.spec.tokenizer },
    maxTokens: classifier.spec.maxTokens,
    members: classifier.members.length,
    model: { ...first.config },
    weightsDtype: options.float16 ? 'float16' : 'float32',
  };
  const tensors: tf.NamedTensorMap = {};
  classifier.members.forEach((m, i) => {
    for (const w of m.namedWeights()) tensors[`m${i}/${w.name}`] = w.tensor;
  });
  const encoded = await tf.io.encodeWeights(tensors);
  let weightSpecs = encoded.specs;
  let weightData: ArrayBuffer = tf.io.concatenateArrayBuffers(encoded.data);
  if (options.float16) {
    const parts: Uint16Array[] = [];
    for (const spec of encoded.specs)
      parts.push(toFloat16Array((tensors[spec.name] as tf.Tensor).dataSync() as Float32Array));
    weightSpecs = encoded.specs.map((s) => ({ ...s, quantization: { dtype: 'float16' as const } }));
    weightData = tf.io.concatenateArrayBuffers(parts.map((p) => p.buffer as ArrayBuffer));
  }
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    const modelJson = {
      format: TEXT_MODEL_FORMAT,
      generatedBy: `TensorFlow.js v${tf.version_core}`,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    const data = artifacts.weightData;
    const bytes =
      data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(tf.io.concatenateArrayBuffers(data ?? []));
    writeFileSync(join(dir, 'weights.bin'), bytes);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
  if (!handler.save) throw new ValidationError('tf.io save handler without save()');
  await handler.save({
    modelTopology: { class: 'EmbeddingBagEnsemble', config: first.config, members: classifier.members.length },
    weightSpecs,
    weightData,
    format: TEXT_MODEL_FORMAT,
  });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(classifier.vocabulary.terms));
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const modelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(z.unknown()) })).min(1),
});

/** Reads and validates only the manifest (version, metrics), e.g. for a service that scores on worker threads. */
/** Loads a directory written by `saveTextModel`; tf.io.fromMemory decodes (and de-quantizes) the weights. */
export async function loadTextModel(dir: string): Promise<{ classifier: TextClassifier; manifest: TextModelManifest }> {
  const manifest = readTextModelManifest(dir);
  const modelJson = modelJsonSchema.parse(readJson(join(dir, 'model.json')));
  const weightSpecs = (modelJson.weightsManifest[0]?.weights ?? []) as tf.io.WeightsManifestEntry[];
  const bin = readFileSync(join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const memory = tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData });
  if (!memory.load) throw new ValidationError('tf.io memory handler without load()');
  const artifacts = await memory.load();
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  const terms = readJson(join(dir, 'vocab.json'));
  if (!Array.isArray(terms) || !terms.every((t) => typeof t === 'string')) {
    throw new ValidationError(`invalid vocabulary in ${dir}`, { dir });
  }
  const members: EmbeddingBagModel[] = [];
  for (let i = 0; i < manifest.members; i++) {
    const get = (name: string): tf.Tensor => {
      const t = tensors[`m${i}/${name}`];
      if (!t) throw new ValidationError(`model in ${dir} lacks weight m${i}/${name}`, { dir });
      return t;
    };
    members.push(
      new EmbeddingBagModel(
        manifest.model,
        tf.variable(get('embedding') as tf.Tensor2D, false),
        tf.variable(get('wide') as tf.Tensor2D, false),
        tf.variable(get('dense') as tf.Tensor2D, false),
        tf.variable(get('bias') as tf.Tensor1D, false),
      ),
    );
  }
  tf.dispose(Object.values(tensors));
  const classifier = new TextClassifier(
    { task: manifest.task, labels: manifest.labels, tokenizer: manifest.tokenizer, maxTokens: manifest.maxTokens },
    new Vocabulary(terms),
    members,
  );
  return { classifier, manifest };
}
