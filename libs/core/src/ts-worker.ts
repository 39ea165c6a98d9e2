import { parentPort, Worker, workerData, type TransferListItem, type WorkerOptions } from 'node:worker_threads';
import { OfferStreamError } from './offerstream.error';

/**
 * Starts a worker thread from a .ts or .js file. Node refuses .ts worker entry points, so a .ts file is
 * loaded through the same swc register hook the commands use; compiled .js files start directly.
 */
export function startWorker(file: string, options: WorkerOptions = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  const bootstrap = [
    "process.env.SWC_NODE_PROJECT ??= require('node:path').join(" +
      JSON.stringify(findRepoRoot(file)) +
      ", 'tsconfig.json');",
    "require('@swc-node/register');",
    `require(${JSON.stringify(file)});`,
  ].join('\n');
  return new Worker(bootstrap, { ...options, eval: true });
}

function findRepoRoot(file: string): string {
  const marker = '/libs/';
  const idx = file.lastIndexOf(marker);
  const appIdx = file.lastIndexOf('/apps/');
  const cut = Math.max(idx, appIdx);
  return cut > 0 ? file.slice(0, cut) : process.cwd();
}

/** What a one-shot worker task posts: zero or more progress events, then its result or its failure. */
export type WorkerTaskMessage<R, P = never> =
  | { readonly type: 'progress'; readonly event: P }
  | { readonly type: 'done'; readonly result: R }
  | { readonly type: 'error'; readonly message: string };

/**
 * Runs heavy work (a model fit) in a worker thread so the caller's event loop keeps serving. A failure the work
 * reports is not retriable; a crash or an exit without an answer is (the next attempt gets a fresh thread).
 */
export function runWorkerTask<R, P = never>(
  file: string,
  workerData: unknown,
  opts: { readonly code: string; readonly what: string; readonly onProgress?: (event: P) => void },
): Promise<R> {
  const worker = startWorker(file, { workerData });
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerTaskMessage<R, P>) => {
      if (m.type === 'progress') {
        opts.onProgress?.(m.event);
        return;
      }
      settled = true;
      if (m.type === 'done') resolve(m.result);
      else reject(new OfferStreamError(opts.code, m.message));
      void worker.terminate();
    });
    worker.on('error', (cause) => {
      settled = true;
      reject(new OfferStreamError(opts.code, `${opts.what} worker crashed`, { retriable: true, cause }));
    });
    worker.on('exit', (code) => {
      if (!settled)
        reject(new OfferStreamError(opts.code, `${opts.what} worker exited with ${code}`, { retriable: true }));
    });
  });
}

/** The worker side of runWorkerTask: runs `work` on the workerData and posts its progress and result. */
export function serveWorkerTask<I, R, P = never>(
  work: (input: I, progress: (event: P) => void) => R | Promise<R>,
  transferOf: (result: R) => TransferListItem[] = () => [],
): void {
  const port = parentPort;
  if (!port) return;
  const post = (m: WorkerTaskMessage<R, P>, transfer: TransferListItem[] = []): void => port.postMessage(m, transfer);
  Promise.resolve()
    .then(() => work(workerData as I, (event) => post({ type: 'progress', event })))
    .then((result) => post({ type: 'done', result }, transferOf(result)))
    .catch((error: unknown) =>
      post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
}
