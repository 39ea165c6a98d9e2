import { errorMessage, parseCommandFlags } from '@offerstream/core';
import { runGnnBenchmark } from '../bench/gnn-benchmark';

const USAGE = `usage: node tools/run-ts.cjs libs/recsys/src/cli/gnn-benchmark.main.ts [--train FILE]
  --train FILE   LightGCN-format train file (default: generated data)
Trains on the data, then times candidate requests and a model refresh; prints one JSON line.`;

async function main(): Promise<void> {
  const flags = parseCommandFlags(process.argv.slice(2), { train: { type: 'string' } }, USAGE);
  if (flags === null) return;
  const r = await runGnnBenchmark({
    trainPath: flags.train,
    onProgress: (e) => process.stderr.write(`[bench] ${JSON.stringify(e)}\n`),
  });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gnn benchmark failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
