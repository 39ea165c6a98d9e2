import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a .ts or .js file. Node refuses .ts worker entry points, so a .ts file is
 * loaded through the same swc register hook the commands use; compiled .js files start directly.
 */
export function startWorker(file: string, options: WorkerOptions = {}): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, options);
  const bootstrap = [
    "process.env.SWC_NODE_PROJECT ??= require('node:path').join(" + JSON.stringify(findRepoRoot(file)) + ", 'tsconfig.json');",
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
