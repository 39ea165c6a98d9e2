// A worker for ts-worker.spec.ts: reports progress, then doubles its input, or fails when asked to.
import { serveWorkerTask } from './ts-worker';

serveWorkerTask<{ value: number; fail?: boolean }, number, string>((input, progress) => {
  progress('started');
  if (input.fail) throw new Error('asked to fail');
  return input.value * 2;
});
