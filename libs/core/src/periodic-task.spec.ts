import { createLogger } from './json-logger';
import { PeriodicTask } from './periodic-task';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a periodic task', () => {
  it('never overlaps runs, even when a run takes longer than the interval', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let runs = 0;
    const task = new PeriodicTask('slow job', 5, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(20);
      inFlight--;
      runs++;
    });
    task.start();
    await sleep(120);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBe(1);
  });

  it('logs a failed run and keeps going', async () => {
    const lines: string[] = [];
    let runs = 0;
    const task = new PeriodicTask(
      'flaky job',
      5,
      async () => {
        runs++;
        if (runs === 1) throw new Error('redis went away');
      },
      createLogger('test', 'warn', {}, (l) => lines.push(l)),
    );
    task.start();
    await sleep(60);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.includes('flaky job failed') && l.includes('redis went away'))).toBe(true);
  });

  it('waits for the run in progress when stopped, and runs no more after', async () => {
    let finished = false;
    let runs = 0;
    const task = new PeriodicTask('job', 1, async () => {
      runs++;
      await sleep(30);
      finished = true;
    });
    task.start();
    await sleep(10);
    expect(task.isActive).toBe(true);
    await task.stop();
    expect(finished).toBe(true);
    const after = runs;
    await sleep(20);
    expect(runs).toBe(after);
    expect(task.isActive).toBe(false);
  });
});
