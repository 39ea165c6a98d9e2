/**
 * Structured JSON logs, one object a line, so that Kubernetes log collectors can index fields. Kept tiny and
 * synchronous on purpose: a logging library is not worth a dependency for this.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  name: string,
  level: LogLevel = (process.env['LOG_LEVEL'] as LogLevel | undefined) ?? 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const log = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < min) return;
    write(
      JSON.stringify({ time: new Date().toISOString(), level: lvl, logger: name, msg, ...base, ...serialize(fields) }),
    );
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createLogger(name, level, { ...base, ...fields }, write),
  };
}

function serialize(fields?: Record<string, unknown>): Record<string, unknown> {
  if (!fields) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? serializeError(v, 0) : v;
  return out;
}

/**
 * An error with its cause chain: `cause` is a non-enumerable own property, so spreading the error drops it, and a
 * wrapper such as "could not apply item aggregates" is useless in a log without the Redis reply underneath.
 */
function serializeError(e: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message, stack: e.stack, ...(e as object) };
  const cause: unknown = e.cause;
  if (cause !== undefined) {
    out['cause'] =
      cause instanceof Error && depth < 5 ? serializeError(cause, depth + 1) : (JSON.stringify(cause) ?? 'undefined');
  }
  return out;
}
