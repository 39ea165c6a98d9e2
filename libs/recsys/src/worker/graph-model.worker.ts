import { serveWorkerTask } from '@offerstream/core';
import { buildGraphArtifact } from './build-artifact';
import type { GraphModelArtifact, TrainGraphModelOptions } from './graph-model.types';

interface Input {
  readonly pairs: readonly (readonly [string, string])[];
  readonly options: TrainGraphModelOptions;
}

serveWorkerTask<Input, GraphModelArtifact, Record<string, unknown>>(
  (input, progress) => buildGraphArtifact(input.pairs, input.options, progress),
  // The embeddings move to the caller instead of being copied.
  (artifact) =>
    [artifact.userEmb.buffer, artifact.itemEmb.buffer, artifact.foldInEmb.buffer].filter(
      (b, i, all): b is ArrayBuffer => b instanceof ArrayBuffer && all.indexOf(b) === i,
    ),
);
