/**
 * NLP worker scoring path: worker-thread pool scoring batches of realistic review texts with the shipped model.
 *   npm run bench -- nlp [--workers N] [--batch N] [--batches N]
 */
import { parseCommandFlags, positiveIntFlag } from '@offerstream/core';
import { runNlpBenchmark } from '@offerstream/nlp/offline';

const USAGE = `usage: npm run bench -- nlp [--workers N] [--batch N] [--batches N]
  --workers N   scoring worker threads
  --batch N     texts per batch
  --batches N   timed batches`;

export default async function nlpBench(argv: string[]): Promise<Record<string, unknown>> {
  const flags = parseCommandFlags(
    argv,
    { workers: { type: 'string' }, batch: { type: 'string' }, batches: { type: 'string' } },
    USAGE,
  );
  if (flags === null) return { usage: USAGE };
  const opts: Record<string, number> = {};
  for (const [f, k] of [
    ['workers', 'workers'],
    ['batch', 'batchSize'],
    ['batches', 'batches'],
  ] as const) {
    const v = positiveIntFlag(flags[f], f);
    if (v !== undefined) opts[k] = v;
  }
  return { ...(await runNlpBenchmark(opts)) };
}
