import { runGnnServingBenchmark } from './gnn-serving.benchmark';

/** `node tools/run-ts.cjs apps/gnn-worker/src/bench/gnn-bench.main.ts [--train FILE] [--queries N] [--rank N]` */
function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

const argv = process.argv.slice(2);
const num = (name: string): number | undefined => (flag(argv, name) === undefined ? undefined : Number(flag(argv, name)));
runGnnServingBenchmark({ trainPath: flag(argv, 'train'), queries: num('queries'), rank: num('rank'), topN: num('n') })
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  })
  .catch((e: unknown) => {
    process.stderr.write(`gnn-bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
