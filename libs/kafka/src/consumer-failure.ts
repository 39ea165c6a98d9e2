import { errorCode, errorMessage, OfferStreamError } from '@offerstream/core';

/**
 * How a batch consumer treats a failure. `retriable`: a dependency that may come back (retried with backoff, then the
 * consumer crashes and kafkajs restarts it, bounded by the crash guard). `fatal`: the event can never succeed (dead
 * letter at once). `unknown`: an error nobody classified (a TypeError in a handler, a library's plain Error): retried
 * a few times in case it was transient after all, then dead-lettered like a fatal one, so a poison event cannot stall
 * its partition and crash-loop the group forever.
 */
export type FailureKind = 'retriable' | 'fatal' | 'unknown';

/** Socket errors of Node: the dependency is unreachable, not the event bad. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
/** ioredis errors that mean Redis is down, failing over or loading, and Redis replies that say "try again later". */
const REDIS_TRANSIENT_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'AbortError']);
const REDIS_TRANSIENT_REPLY =
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|NOREPLICAS|OOM)\b|Connection is closed|Stream isn't writeable/;

export function failureKind(error: unknown): FailureKind {
  if (error instanceof OfferStreamError) return error.retriable ? 'retriable' : 'fatal';
  if (typeof error !== 'object' || error === null) return 'unknown';
  // kafkajs marks its own errors.
  if ('retriable' in error) return error.retriable ? 'retriable' : 'fatal';
  if ('code' in error && typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return 'retriable';
  if (error instanceof Error && (REDIS_TRANSIENT_NAMES.has(error.name) || REDIS_TRANSIENT_REPLY.test(error.message)))
    return 'retriable';
  return 'unknown';
}

/** An unknown error that kept failing: dead-lettered with the original error's name and message as the reason. */
export class UnhandledError extends OfferStreamError {
  constructor(cause: unknown, attempts: number) {
    super('UNHANDLED_ERROR', `${errorCode(cause)}: ${errorMessage(cause)} (failed ${attempts} times)`, {
      retriable: false,
      cause,
      context: { original: errorCode(cause), attempts },
    });
  }
}
