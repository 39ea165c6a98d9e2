import { createLogger } from './json-logger';
import { TransientError } from './offerstream.error';

describe('the JSON logger', () => {
  it('writes an error with its code, context and the whole cause chain', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', {}, (l) => lines.push(l));
    const root = new Error('CROSSSLOT Keys in request do not hash to the same slot');
    logger.warn('batch failed', {
      error: new TransientError('REDIS_WRITE_FAILED', 'could not apply item aggregates', root, { partition: 3 }),
    });
    const logged = JSON.parse(lines[0] ?? '{}') as {
      msg: string;
      error: { code: string; context: unknown; cause: { message: string } };
    };
    expect(logged.msg).toBe('batch failed');
    expect(logged.error.code).toBe('REDIS_WRITE_FAILED');
    expect(logged.error.context).toEqual({ partition: 3 });
    expect(logged.error.cause.message).toBe('CROSSSLOT Keys in request do not hash to the same slot');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    createLogger('test', 'warn', {}, (l) => lines.push(l)).info('not shown');
    expect(lines).toEqual([]);
  });
});
