/**
 * GNN worker serving and refresh on Gowalla-sized data, in this process (libs/recsys runGnnServingBenchmark):
 *   npm run bench -- gnn [--train FILE] [--queries N] [--rank N] [--n N]
 * --train: LightGCN-format train file (default: the Gowalla sample when present, else generated data of its size);
 * --queries: timed candidate requests (1000); --rank: graph filter rank (64); --n: candidates per request (100).
 */
import { runGnnServingBenchmark } from '@offerstream/recsys/offline';

const USAGE = 'usage: npm run bench -- gnn [--train FILE] [--queries N] [--rank N] [--n N]\n';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function positive(argv: string[], name: string): number | undefined {
  const raw = flag(argv, name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return v;
}

export default async function gnnBench(argv: string[]): Promise<Record<string, unknown>> {
  if (argv.includes('--help')) {
    process.stderr.write(USAGE);
    return { usage: USAGE.trim() };
  }
  const result = await runGnnServingBenchmark({
    trainPath: flag(argv, 'train'),
    queries: positive(argv, 'queries'),
    rank: positive(argv, 'rank'),
    topN: positive(argv, 'n'),
  });
  return { ...result, command: `npm run bench -- gnn ${argv.join(' ')}`.trim() };
}
