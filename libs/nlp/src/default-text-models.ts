import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@offerstream/core';
import { initTensorflow } from '@offerstream/core/tensorflow';
import type { TextClassifier } from './models/text-classifier';
import { loadTextModel } from './models/text-model.io';
import type { TextModelManifest } from './models/text-model.manifest';
import { DEFAULT_MODEL_DIR } from './model-dir';

export interface DefaultTextModels {
  readonly sentiment: TextClassifier;
  readonly category: TextClassifier;
  readonly manifests: { readonly sentiment: TextModelManifest; readonly category: TextModelManifest };
  readonly dirs: { readonly sentiment: string; readonly category: string };
}

export async function loadDefaultTextModels(dir = DEFAULT_MODEL_DIR): Promise<DefaultTextModels> {
  const dirs = { sentiment: join(dir, 'sentiment'), category: join(dir, 'category') };
  for (const d of Object.values(dirs)) {
    if (!existsSync(join(d, 'manifest.json'))) {
      throw new ValidationError(`no trained text model in ${d} (run libs/nlp/src/cli/train-default-models.main.ts)`, {
        dir: d,
      });
    }
  }
  await initTensorflow();
  const sentiment = await loadTextModel(dirs.sentiment);
  const category = await loadTextModel(dirs.category);
  return {
    sentiment: sentiment.classifier,
    category: category.classifier,
    manifests: { sentiment: sentiment.manifest, category: category.manifest },
    dirs,
  };
}
