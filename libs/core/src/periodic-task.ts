import type { Logger } from './json-logger';

/**
 * Runs `tick` every `intervalMs`, the next run scheduled only when the previous one has finished (a slow Redis never
 * piles runs up, as setInterval would). A failed run is logged and the schedule goes on. `stop` waits for the run in
 * progress, so a service shuts down only once its background work has settled. The timer does not keep the process
 * alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private active = false;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly logger?: Logger,
  ) {}

  /** True between start and stop: long runs check it to end early on shutdown. */
  get isActive(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (!this.active) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(
          () => undefined,
          (e: unknown) => this.logger?.warn(`${this.what} failed`, { error: e }),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
