/**
 * The one error base of the project. `code` is stable and machine readable (it goes to dead-letter headers
 * and HTTP bodies); `retriable` tells consumers whether trying again can help, so that only transient
 * failures are retried and poison input is dead-lettered at once.
 */
export interface OfferStreamErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly context?: Readonly<Record<string, unknown>>;
}

export class OfferStreamError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: OfferStreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      context: this.context,
    };
  }
}

/** Input that can never succeed however often it is retried (schema violations, unknown types, oversize). */
export class ValidationError extends OfferStreamError {
  constructor(message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super('VALIDATION_FAILED', message, { retriable: false, context, cause });
  }
}

/** A process setting that is missing or malformed; raised at boot so the process never starts half-configured. */
export class ConfigError extends OfferStreamError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('CONFIG_INVALID', `${variable}: ${message}`, { retriable: false, context: { variable } });
  }
}

/** A dependency (Kafka, Redis, a model file) that failed in a way that may pass. */
export class TransientError extends OfferStreamError {
  constructor(code: string, message: string, cause?: unknown, context: Record<string, unknown> = {}) {
    super(code, message, { retriable: true, cause, context });
  }
}

export function isRetriable(error: unknown): boolean {
  if (error instanceof OfferStreamError) return error.retriable;
  // kafkajs and ioredis mark their own transient failures; anything else unknown is treated as transient
  // so that a bug in a dependency does not silently dead-letter good events.
  if (typeof error === 'object' && error !== null && 'retriable' in error) {
    return Boolean(error.retriable);
  }
  return true;
}

export function errorCode(error: unknown): string {
  if (error instanceof OfferStreamError) return error.code;
  if (error instanceof Error) return error.name;
  return 'UNKNOWN';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
