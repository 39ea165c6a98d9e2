import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PeriodicTask, runWorkerTask, type Logger } from '@offerstream/core';
import type { PropensityWeights } from '../policy/propensity.model';
import type { PropensityStore } from '../policy/propensity.store';
import { refitPropensity, type PropensityFit, type RefitOptions, type RefitResult } from './propensity-refit';

export interface RefitJobSettings extends RefitOptions {
  readonly intervalMs: number;
  /** New examples since the last attempt needed before refitting again. */
  readonly minNewExamples: number;
  /** Lock expiry (renewed every third of it while a refit runs): a crashed refitter frees it after this. */
  readonly lockMs: number;
}

export type RefitOutcome = 'too_few_examples' | 'locked_elsewhere' | 'not_better' | 'published' | 'superseded';

/**
 * Periodic refit of the purchase-propensity model from the training log. Every instance runs the timer; a Redis
 * lock with expiry lets one refit at a time. New weights are published only when their held-out log loss beats
 * the weights in use; the instances then pick them up by polling (PropensityStore).
 */
export class PropensityRefitJob {
  private readonly task: PeriodicTask;
  private readonly token = randomUUID();

  constructor(
    private readonly store: PropensityStore,
    private readonly settings: RefitJobSettings,
    private readonly fit: PropensityFit = fitInWorker,
    private readonly logger?: Logger,
  ) {
    this.task = new PeriodicTask('propensity refit', settings.intervalMs, () => this.runOnce(), logger);
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** One attempt; exposed so that tests and operators can run it on demand. */
  async runOnce(): Promise<{ outcome: RefitOutcome; result?: RefitResult; seq?: number }> {
    const { appended, atLastAttempt } = await this.store.counters();
    if (appended - atLastAttempt < this.settings.minNewExamples) return { outcome: 'too_few_examples' };
    const held = await this.store.refitLock.hold(this.token, this.settings.lockMs, () => this.refitHeld(appended));
    return held.held ? held.value : { outcome: 'locked_elsewhere' };
  }

  private async refitHeld(appended: number): Promise<{ outcome: RefitOutcome; result?: RefitResult; seq?: number }> {
    await this.store.refresh();
    const current = this.store.current;
    const seq = this.store.seq;
    const examples = await this.store.examples();
    const result = await refitPropensity(examples, current, this.settings, this.fit);
    // Marked whatever the result: an unhelpful refit is not repeated until enough new examples arrived.
    await this.store.markAttempt(appended);
    const figures = {
      train: result.train,
      heldOut: result.heldOut,
      heldOutLogLoss: result.heldOutLogLoss,
      currentLogLoss: result.currentLogLoss,
      current: current.version,
    };
    if (!result.publish) {
      this.logger?.info('propensity refit not better than the current model; not published', figures);
      return { outcome: 'not_better', result };
    }
    const { bias, weights, segmentLift } = result.candidate;
    const published = await this.store.publish(
      {
        weights: { bias, weights, segmentLift },
        examples: examples.length,
        heldOutLogLoss: result.heldOutLogLoss,
        previousLogLoss: result.currentLogLoss,
        publishedAt: new Date().toISOString(),
      },
      seq,
    );
    if (published === undefined) return { outcome: 'superseded', result };
    await this.store.refresh();
    this.logger?.info('propensity model published', { ...figures, version: this.store.current.version });
    return { outcome: 'published', result, seq: published };
  }
}

/** Fits in a worker thread: a refit over the whole log must not stall the decisions of this instance. */
export const fitInWorker: PropensityFit = (rows, labels, prior, epochs) =>
  runWorkerTask<PropensityWeights>(
    join(__dirname, `propensity-fit.worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`),
    { rows, labels, prior, epochs },
    { code: 'PROPENSITY_FIT_FAILED', what: 'propensity fit' },
  );
