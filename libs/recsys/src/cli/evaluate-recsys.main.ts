import { runRecsysEvaluation } from '../eval/recsys-evaluation';

runRecsysEvaluation(process.argv.slice(2))
  .then((result) => {
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
