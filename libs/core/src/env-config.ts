import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './offerstream.error';

/**
 * Parses process settings with a zod object whose keys are the environment variable names. The first bad
 * variable stops the process with its name, which is what an operator needs at boot.
 */
export function loadEnvConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const schema = z.object(shape);
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'unknown');
    throw new ConfigError(variable, `${issue?.message ?? 'invalid'} (got ${shownValue(variable, raw[variable])})`);
  }
  return parsed.data;
}

/** Variables whose whole value is a secret: a boot error names them but never repeats what they hold. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PASSPHRASE|PRIVATE|HMAC/i;

/**
 * The value as a boot error may show it: logs are read by more people than the Secret, so a secret variable is
 * shown as its length only and a URL loses the password between `user:` and `@`.
 */
export function shownValue(variable: string, value: string | undefined): string {
  if (value === undefined) return 'null';
  if (SECRET_NAME.test(variable)) return `<redacted, ${value.length} characters>`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:<redacted>@'));
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reusable env field parsers; environment values are always strings. */
export const envField = {
  int: (def: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(min).max(max).default(def),
  num: (def: number, min = -Infinity, max = Infinity) => z.coerce.number().min(min).max(max).default(def),
  str: (def: string) => z.string().min(1).default(def),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: (def: string) =>
    z
      .string()
      .default(def)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .pipe(z.array(z.string()).min(1)),
  /** An optional path to a file (a certificate, a key) that must be readable now, so a wrong mount fails at boot. */
  file: () => z.string().refine(readable, 'file does not exist or is not readable').optional(),
};
