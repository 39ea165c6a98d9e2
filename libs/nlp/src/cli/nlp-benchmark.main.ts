import { errorMessage } from '@offerstream/core';
import { runNlpBenchmark } from '../benchmark/nlp-benchmark';

// Usage: nlp-benchmark.main.ts [workers] [batchSize] [batches]
const [workers, batchSize, batches] = process.argv.slice(2).map(Number);
runNlpBenchmark({
  ...(workers ? { workers } : {}),
  ...(batchSize ? { batchSize } : {}),
  ...(batches ? { batches } : {}),
}).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`nlp benchmark failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
