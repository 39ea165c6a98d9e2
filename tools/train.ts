/**
 * `npm run train -- <task> [flags]`: fits a model from files given by path. Progress goes to stderr; the last
 * stdout line is one JSON object with the metrics.
 *   propensity --input FILE [--out FILE] [--held-out 0.2] [--epochs 300]   purchase propensity (decision service)
 */
import { runPropensityTraining } from '@offerstream/decision';

const TASKS: Record<string, (argv: string[]) => Record<string, unknown>> = {
  propensity: (argv) => runPropensityTraining(argv),
};

const usage = (): string =>
  `usage: npm run train -- <${Object.keys(TASKS).join('|')}> [flags]   (npm run train -- <task> --help: its flags)`;

function main(): void {
  const [task, ...rest] = process.argv.slice(2);
  if (task === '--help' || task === '-h') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const run = task === undefined ? undefined : TASKS[task];
  if (!run) {
    process.stderr.write(`${usage()}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(run(rest))}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`train: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
