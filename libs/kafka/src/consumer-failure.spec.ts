import { OfferStreamError, TransientError, ValidationError } from '@offerstream/core';
import { failureKind, UnhandledError } from './consumer-failure';
import { CrashGuard } from './crash-guard';

describe('failureKind', () => {
  it('follows the retriable flag of OfferStreamErrors and of kafkajs errors', () => {
    expect(failureKind(new TransientError('REDIS_WRITE_FAILED', 'down'))).toBe('retriable');
    expect(failureKind(new ValidationError('bad'))).toBe('fatal');
    expect(failureKind(Object.assign(new Error('leader moved'), { retriable: true }))).toBe('retriable');
    expect(failureKind(Object.assign(new Error('bad request'), { retriable: false }))).toBe('fatal');
  });

  it('treats unreachable dependencies as retriable', () => {
    expect(failureKind(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('retriable');
    const maxRetries = new Error('Reached the max retries per request limit');
    maxRetries.name = 'MaxRetriesPerRequestError';
    expect(failureKind(maxRetries)).toBe('retriable');
    expect(failureKind(new Error('LOADING Redis is loading the dataset in memory'))).toBe('retriable');
    expect(failureKind(new Error('OOM command not allowed when used memory > maxmemory'))).toBe('retriable');
  });

  it('calls anything else unknown: a handler bug, a thrown string', () => {
    expect(failureKind(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('unknown');
    expect(failureKind(new RangeError('Invalid array length'))).toBe('unknown');
    expect(failureKind('boom')).toBe('unknown');
  });

  it('turns an unknown error that kept failing into a non-retriable one that names the original', () => {
    const e = new UnhandledError(new TypeError('x is not a function'), 3);
    expect(e).toBeInstanceOf(OfferStreamError);
    expect(e.retriable).toBe(false);
    expect(e.code).toBe('UNHANDLED_ERROR');
    expect(e.message).toBe('TypeError: x is not a function (failed 3 times)');
  });
});

describe('CrashGuard', () => {
  it('reports crash-looping from the second crash and stops restarting past the bound', async () => {
    const guard = new CrashGuard(2);
    const boom = new Error('redis down');
    expect(await guard.restartOnFailure(boom)).toBe(true);
    expect(guard.problem).toBeUndefined();
    expect(await guard.restartOnFailure(boom)).toBe(true);
    expect(guard.problem).toMatch(/^crash-looping: 2 crashes/);
    expect(await guard.restartOnFailure(boom)).toBe(false);
    expect(guard.problem).toMatch(/^stopped after 3 crashes in a row: redis down/);
  });

  it('forgets crashes once a batch commits', async () => {
    const guard = new CrashGuard(2);
    await guard.restartOnFailure(new Error('a'));
    await guard.restartOnFailure(new Error('b'));
    guard.committed();
    expect(guard.problem).toBeUndefined();
    expect(await guard.restartOnFailure(new Error('c'))).toBe(true);
  });

  it('counts a crash kafkajs will not restart as stopped', () => {
    const guard = new CrashGuard(5);
    guard.crashed(new Error('not authorized'), false);
    expect(guard.problem).toMatch(/does not restart: not authorized/);
  });
});
