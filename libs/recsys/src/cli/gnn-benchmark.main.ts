import { runGnnBenchmark } from '../bench/gnn-benchmark';

const trainPath = process.argv[2];
runGnnBenchmark({ trainPath, onProgress: (e) => process.stderr.write(`[bench] ${JSON.stringify(e)}\n`) })
  .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
