/**
 * `npm run bench -- <name> [flags]`: runs benchmarks/<name>.bench.ts, whose default export returns the figures.
 * Progress goes to stderr; the last stdout line is one JSON object. Results are recorded in docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const USAGE = 'usage: npm run bench -- <stream|nlp|gnn|decision> [flags]   (npm run bench -- <name> --help: its flags)';

type Bench = (argv: string[]) => Promise<Record<string, unknown>>;

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const file = name === undefined ? '' : join(__dirname, `${name}.bench.ts`);
  if (!name || !/^[a-z-]+$/.test(name) || !existsSync(file)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const mod = (await import(file)) as { default: Bench };
  const result = await mod.default(rest);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
