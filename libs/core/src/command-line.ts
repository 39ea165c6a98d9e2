import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ValidationError } from './offerstream.error';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;
type Config<O extends FlagOptions> = { args: string[]; options: O; strict: true; allowPositionals: false };
export type FlagValues<O extends FlagOptions> = ReturnType<typeof parseArgs<Config<O>>>['values'];

/**
 * The flags of a command through node:util parseArgs, so every command parses the same way: `--help` prints
 * `usage` to stdout and returns null (the command then does nothing); an unknown or incomplete flag throws a
 * ValidationError that points to --help.
 */
export function parseCommandFlags<O extends FlagOptions>(
  argv: readonly string[],
  options: O,
  usage: string,
): FlagValues<O> | null {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    return null;
  }
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ValidationError(`${error instanceof Error ? error.message : String(error)} (see --help)`, { usage });
  }
}

/** A flag that must be a positive integer when given. */
export function positiveIntFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ValidationError(`--${name} must be a positive integer, got ${value}`);
  return n;
}

/** A flag that must be a positive number; `def` when absent. */
export function positiveNumberFlag(value: string | undefined, name: string, def: number): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ValidationError(`--${name} must be a positive number, got ${value}`);
  return n;
}
