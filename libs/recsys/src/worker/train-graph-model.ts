import { join } from 'node:path';
import { runWorkerTask } from '@offerstream/core';
import type { ProgressFn } from '../models/scoring-model';
import { buildGraphArtifact } from './build-artifact';
import type { GraphModelArtifact, TrainGraphModelOptions } from './graph-model.types';

/**
 * Trains the served graph model from (userId, itemId) interaction pairs in a worker thread so the caller's
 * event loop keeps serving; progress events (stage, epoch, loss, recall, ETA) are forwarded to onProgress.
 */
export async function trainGraphModel(
  interactions: Iterable<readonly [string, string]>,
  options: TrainGraphModelOptions = {},
  onProgress: ProgressFn = () => undefined,
): Promise<GraphModelArtifact> {
  const pairs = Array.from(interactions, ([u, i]) => [u, i] as const);
  if (options.inline === true) return buildGraphArtifact(pairs, options, onProgress);
  return runWorkerTask<GraphModelArtifact, Record<string, unknown>>(
    // The compiled image runs .js; tests and tools run the TypeScript through swc.
    join(__dirname, `graph-model.worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`),
    { pairs, options },
    { code: 'GRAPH_TRAINING_FAILED', what: 'graph model', onProgress },
  );
}
