/**
 * GNN worker serving and refresh on Gowalla-sized data, in this process (libs/recsys runGnnServingBenchmark):
 *   npm run bench -- gnn [--train FILE] [--queries N] [--rank N] [--n N]
 * --train: LightGCN-format train file (default: the Gowalla sample when present, else generated data of its size);
 * --queries: timed candidate requests (1000); --rank: graph filter rank (64); --n: candidates per request (100).
 */
import { parseCommandFlags, positiveIntFlag } from '@offerstream/core';
import { runGnnServingBenchmark } from '@offerstream/recsys/offline';

const USAGE = `usage: npm run bench -- gnn [--train FILE] [--queries N] [--rank N] [--n N]
  --train FILE   LightGCN-format train file (default: the Gowalla sample when present, else generated data)
  --queries N    timed candidate requests (1000)
  --rank N       graph filter rank (64)
  --n N          candidates per request (100)`;

export default async function gnnBench(argv: string[]): Promise<Record<string, unknown>> {
  const flags = parseCommandFlags(
    argv,
    { train: { type: 'string' }, queries: { type: 'string' }, rank: { type: 'string' }, n: { type: 'string' } },
    USAGE,
  );
  if (flags === null) return { usage: USAGE };
  const result = await runGnnServingBenchmark({
    trainPath: flags.train,
    queries: positiveIntFlag(flags.queries, 'queries'),
    rank: positiveIntFlag(flags.rank, 'rank'),
    topN: positiveIntFlag(flags.n, 'n'),
  });
  return { ...result, command: `npm run bench -- gnn ${argv.join(' ')}`.trim() };
}
