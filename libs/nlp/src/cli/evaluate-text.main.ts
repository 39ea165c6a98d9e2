import { errorMessage } from '@offerstream/core';
import { runTextEvaluation } from '../evaluation/text-evaluation';

runTextEvaluation(process.argv.slice(2)).then(
  (result) => {
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`evaluate failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
