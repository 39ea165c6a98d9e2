import { join } from 'node:path';
import { OfferStreamError, startWorker } from '@offerstream/core';
import type { ProgressFn } from '../models/scoring-model';
import { buildGraphArtifact } from './build-artifact';
import type { GraphModelArtifact, TrainGraphModelOptions, WorkerMessage } from './graph-model.types';

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
  const worker = startWorker(join(__dirname, 'graph-model.worker.ts'), { workerData: { pairs, options } });
  return new Promise<GraphModelArtifact>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.event);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.artifact);
        void worker.terminate();
      } else {
        settled = true;
        reject(new OfferStreamError('GRAPH_TRAINING_FAILED', m.message, { retriable: false }));
        void worker.terminate();
      }
    });
    worker.on('error', (cause) => {
      settled = true;
      reject(new OfferStreamError('GRAPH_TRAINING_FAILED', 'graph model worker crashed', { retriable: true, cause }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new OfferStreamError('GRAPH_TRAINING_FAILED', `graph model worker exited with ${code}`, { retriable: true }));
    });
  });
}
