import { runUpliftEvaluation } from '../evaluation/uplift-evaluation';

runUpliftEvaluation(process.argv.slice(2))
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
