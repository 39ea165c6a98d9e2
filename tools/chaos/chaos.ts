// `npm run chaos [-- --quick] [--seed=N] [--only=fault,fault]`: the scripted fault run of issue 12 on a private
// broker and Redis.
// Prints one JSON summary on stdout (progress on stderr); exit 0 with no violation, 1 with any, 2 if the run broke.
import { runChaos } from './chaos-runner';

const quick = process.argv.includes('--quick') || process.env['CHAOS_QUICK'] === '1';
const seedArg = process.argv.find((a) => a.startsWith('--seed='));
const onlyArg = process.argv.find((a) => a.startsWith('--only='));

runChaos({
  mode: quick ? 'quick' : 'full',
  ...(seedArg ? { seed: Number(seedArg.slice('--seed='.length)) } : {}),
  ...(onlyArg ? { only: onlyArg.slice('--only='.length).split(',') } : {}),
}).then(
  (summary) => {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    process.exit(summary.ok ? 0 : 1);
  },
  (e: unknown) => {
    process.stderr.write(`[chaos] run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
