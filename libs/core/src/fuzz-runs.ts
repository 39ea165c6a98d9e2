import { ConfigError } from './offerstream.error';

/**
 * How many cases a property test tries. The defaults keep every property under ten seconds in `npm test`;
 * `FUZZ_RUNS=5000 npx jest …` searches longer (a nightly run, or before changing a codec or a Lua script).
 * fast-check prints the seed and the shrunk counterexample of a failure; `FUZZ_SEED` replays one run.
 */
export function fuzzRuns(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): number {
  return positiveInt('FUZZ_RUNS', env.FUZZ_RUNS) ?? defaultRuns;
}

/** Parameters for fc.assert: the run count above and, when FUZZ_SEED is set, that seed. */
export function fuzzParams(
  defaultRuns: number,
  env: NodeJS.ProcessEnv = process.env,
): { numRuns: number; seed?: number } {
  const seed = env.FUZZ_SEED === undefined || env.FUZZ_SEED === '' ? undefined : Number(env.FUZZ_SEED);
  if (seed !== undefined && !Number.isInteger(seed)) throw new ConfigError('FUZZ_SEED', 'must be an integer');
  return { numRuns: fuzzRuns(defaultRuns, env), ...(seed === undefined ? {} : { seed }) };
}

function positiveInt(variable: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(variable, `must be a positive integer, got "${raw}"`);
  return n;
}
