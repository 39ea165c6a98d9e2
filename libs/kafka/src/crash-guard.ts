/**
 * Bounds and reports consumer crashes. kafkajs restarts a crashed consumer (a batch that failed past its retries,
 * a lost coordinator) by leaving and rejoining the group, which rebalances every member; left alone it does so forever.
 * The guard counts crashes since the last committed batch: from `crashLoopAfter` on the consumer reports not ready
 * (it is crash-looping), and past `maxRestarts` it is not restarted any more (readiness stays red, an alert fires, and
 * the pod's restart, once the cause is fixed, resumes from the committed offsets). A committed batch clears the count.
 */
export class CrashGuard {
  private consecutive = 0;
  private stopped: string | undefined;
  private lastError = '';

  constructor(
    private readonly maxRestarts: number,
    private readonly crashLoopAfter = 2,
  ) {}

  /** kafkajs' retry.restartOnFailure: called for a retriable crash; false stops the consumer for good. */
  readonly restartOnFailure = (error: Error): Promise<boolean> => {
    this.consecutive++;
    this.lastError = error.message;
    if (this.consecutive <= this.maxRestarts) return Promise.resolve(true);
    this.stopped = `stopped after ${this.consecutive} crashes in a row: ${error.message}`;
    return Promise.resolve(false);
  };

  /** The CRASH event: `restart` false also when kafkajs would not restart by itself (non-retriable crash). */
  crashed(error: Error, restart: boolean): void {
    this.lastError = error.message;
    if (!restart && !this.stopped) this.stopped = `stopped by a crash kafkajs does not restart: ${error.message}`;
  }

  committed(): void {
    this.consecutive = 0;
  }

  /** Why the consumer is not healthy, or undefined. */
  get problem(): string | undefined {
    if (this.stopped) return this.stopped;
    if (this.consecutive >= this.crashLoopAfter)
      return `crash-looping: ${this.consecutive} crashes since the last committed batch (${this.lastError})`;
    return undefined;
  }
}
