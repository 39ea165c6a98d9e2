/**
 * NLP worker scoring path: worker-thread pool scoring batches of realistic review texts with the shipped model.
 *   npm run bench -- nlp [--workers N] [--batch N] [--batches N]
 */
import { runNlpBenchmark } from '@offerstream/nlp/offline';

function flag(argv: string[], name: string): number | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : undefined;
}

export default async function nlpBench(argv: string[]): Promise<Record<string, unknown>> {
  const opts: Record<string, number> = {};
  for (const [f, k] of [['workers', 'workers'], ['batch', 'batchSize'], ['batches', 'batches']] as const) {
    const v = flag(argv, f);
    if (v !== undefined) opts[k] = v;
  }
  return { ...(await runNlpBenchmark(opts)) };
}
