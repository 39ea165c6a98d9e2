import { backoffMs } from './backoff';
import { errorCode, isRetriable, OfferStreamError, TransientError, ValidationError } from './offerstream.error';
import { createLogger } from './json-logger';

describe('error base', () => {
  it('carries code, retriability, cause and context', () => {
    const cause = new Error('socket closed');
    const e = new TransientError('REDIS_DOWN', 'write failed', cause, { key: 'k' });
    expect(e).toBeInstanceOf(OfferStreamError);
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toMatchObject({ code: 'REDIS_DOWN', retriable: true, context: { key: 'k' } });
  });

  it('treats validation errors as final and unknown errors as worth a retry', () => {
    expect(isRetriable(new ValidationError('bad'))).toBe(false);
    expect(isRetriable(new Error('?'))).toBe(true);
    expect(isRetriable({ retriable: false })).toBe(false);
    expect(errorCode(new ValidationError('bad'))).toBe('VALIDATION_FAILED');
  });
});

describe('backoff', () => {
  it('grows exponentially within its cap and keeps jitter in the upper half', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
  });
});

describe('JSON logger', () => {
  it('writes one JSON object a line with child fields and serialised errors', () => {
    const lines: string[] = [];
    const log = createLogger('svc', 'info', {}, (l) => lines.push(l)).child({ partition: 3 });
    log.debug('hidden');
    log.error('failed', { error: new Error('boom') });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'error', logger: 'svc', msg: 'failed', partition: 3 });
    expect((parsed['error'] as { message: string }).message).toBe('boom');
  });
});
