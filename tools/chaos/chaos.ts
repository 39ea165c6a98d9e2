// `npm run chaos [-- --quick] [--seed=N] [--only=fault,fault]`: the scripted fault run of issue 12 on a private
// broker and Redis.
// Prints one JSON summary on stdout (progress on stderr); exit 0 with no violation, 1 with any, 2 if the run broke.
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-runner';

const USAGE = `usage: npm run chaos -- [--quick] [--seed=N] [--only=fault,fault] [--help]
  Starts a private Kafka broker and Redis (under .cache/chaos), streams a known event set through the services while
  injecting faults one after another, then checks the invariants (docs/reliability.md) and prints one JSON summary.
  --quick          the short event set and a few faults (what npm test runs); also CHAOS_QUICK=1
  --seed=N         seed of the event set and the fault timings
  --only=a,b       only these faults (names as in the summary's "faults")
  exit 0: no violation, 1: a violation, 2: the run itself broke`;

let values: { quick?: boolean; seed?: string; only?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      seed: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  process.stderr.write(`chaos: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) {
  process.stderr.write(`chaos: --seed must be an integer, got ${values.seed}\n${USAGE}\n`);
  process.exit(2);
}

runChaos({
  mode: values.quick === true || process.env['CHAOS_QUICK'] === '1' ? 'quick' : 'full',
  ...(seed !== undefined ? { seed } : {}),
  ...(values.only ? { only: values.only.split(',') } : {}),
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
