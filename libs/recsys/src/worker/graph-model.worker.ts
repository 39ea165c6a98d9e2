import { parentPort, workerData } from 'node:worker_threads';
import { buildGraphArtifact } from './build-artifact';
import type { TrainGraphModelOptions, WorkerMessage } from './graph-model.types';

interface Input {
  readonly pairs: readonly (readonly [string, string])[];
  readonly options: TrainGraphModelOptions;
}

const port = parentPort;
if (port) {
  const input = workerData as Input;
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  buildGraphArtifact(input.pairs, input.options, (event) => post({ type: 'progress', event }))
    .then((artifact) => {
      const buffers = [artifact.userEmb.buffer, artifact.itemEmb.buffer, artifact.foldInEmb.buffer].filter(
        (b, i, all): b is ArrayBuffer => b instanceof ArrayBuffer && all.indexOf(b) === i,
      );
      post({ type: 'done', artifact }, buffers);
    })
    .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
}
