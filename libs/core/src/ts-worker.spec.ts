import { join } from 'node:path';
import { runWorkerTask } from './ts-worker';

const FIXTURE = join(__dirname, 'ts-worker.fixture-worker.ts');

describe('a one-shot worker task', () => {
  it('runs a TypeScript worker, forwards its progress and resolves with its result', async () => {
    const progress: string[] = [];
    const result = await runWorkerTask<number, string>(
      FIXTURE,
      { value: 21 },
      { code: 'TEST_FAILED', what: 'test', onProgress: (e) => progress.push(e) },
    );
    expect(result).toBe(42);
    expect(progress).toEqual(['started']);
  }, 30_000);

  it('rejects with the given code and the worker message, not retriable, when the work fails', async () => {
    const failed = runWorkerTask<number, string>(
      FIXTURE,
      { value: 1, fail: true },
      { code: 'TEST_FAILED', what: 'test' },
    );
    await expect(failed).rejects.toMatchObject({
      code: 'TEST_FAILED',
      retriable: false,
      message: expect.stringContaining('asked to fail') as unknown,
    });
  }, 30_000);
});
