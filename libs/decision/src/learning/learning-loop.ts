import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PeriodicTask, runWorkerTask, type Logger } from '@offerstream/core';
import type { DecisionOutcomeStore, JoinedDecision } from './decision-outcome.store';
import type { ProfitModelStore, ProfitRefitAttempt } from './profit-model.store';
import type { ProfitRefitInput, ProfitRefitOptions, ProfitRefitResult } from './profit-refit';

export interface LearningLoopSettings extends ProfitRefitOptions {
  /** How often due decisions are settled (their window closed) into the reward log. */
  readonly settleMs: number;
  readonly refitMs: number;
  /** New joined decisions since the last attempt needed before refitting again. */
  readonly minNewDecisions: number;
  /** Lock expiry (renewed every third of it while a refit runs): a crashed refitter frees it after this. */
  readonly lockMs: number;
}

export type ProfitRefitOutcome = 'too_few_decisions' | 'locked_elsewhere' | 'not_better' | 'published' | 'superseded';
export type ProfitFit = (input: ProfitRefitInput) => Promise<ProfitRefitResult>;

/**
 * The live learning loop of every instance: settles decisions whose attribution window closed (each is taken by
 * one instance), and refits the incremental-profit model from the reward log under a lock, in a worker thread,
 * publishing it only when off-policy evaluation on the newest decisions says it is at least as good as the model
 * in use. Instances pick a published model up by polling (ProfitModelStore).
 */
export class LearningLoop {
  private readonly settler: PeriodicTask;
  private readonly refitter: PeriodicTask;
  private readonly token = randomUUID();

  constructor(
    private readonly outcomes: DecisionOutcomeStore,
    private readonly models: ProfitModelStore,
    private readonly settings: LearningLoopSettings,
    private readonly onSettled: (joined: readonly JoinedDecision[]) => void = () => undefined,
    private readonly fit: ProfitFit = fitProfitInWorker,
    private readonly logger?: Logger,
  ) {
    this.settler = new PeriodicTask('decision settlement', settings.settleMs, () => this.settleOnce(), logger);
    this.refitter = new PeriodicTask('profit model refit', settings.refitMs, () => this.refitOnce(), logger);
  }

  start(): void {
    this.settler.start();
    this.refitter.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.settler.stop(), this.refitter.stop()]);
  }

  /** Settles every due decision (in pages); returns how many. */
  async settleOnce(nowMs = Date.now()): Promise<number> {
    let total = 0;
    for (;;) {
      const joined = await this.outcomes.settleDue(nowMs);
      if (joined.length > 0) this.onSettled(joined);
      total += joined.length;
      if (joined.length < 1_000) return total;
    }
  }

  /** One refit attempt; exposed so that tests and operators can run it on demand. */
  async refitOnce(): Promise<{ outcome: ProfitRefitOutcome; result?: ProfitRefitResult; seq?: number }> {
    const appended = await this.outcomes.appended();
    if (appended - (await this.models.attempted()) < this.settings.minNewDecisions)
      return { outcome: 'too_few_decisions' };
    const held = await this.models.refitLock.hold(this.token, this.settings.lockMs, () => this.refitHeld(appended));
    return held.held ? held.value : { outcome: 'locked_elsewhere' };
  }

  private async refitHeld(
    appended: number,
  ): Promise<{ outcome: ProfitRefitOutcome; result?: ProfitRefitResult; seq?: number }> {
    const current = await this.models.published();
    const decisions = await this.outcomes.joined();
    const started = Date.now();
    const result = await this.fit({
      decisions,
      current: current?.model ?? null,
      heldOutShare: this.settings.heldOutShare,
      lambda: this.settings.lambda,
      offerLambda: this.settings.offerLambda,
      ...(this.settings.poolLambda !== undefined ? { poolLambda: this.settings.poolLambda } : {}),
      ...(this.settings.baselineBins !== undefined ? { baselineBins: this.settings.baselineBins } : {}),
      ...(this.settings.weakShrinkage !== undefined ? { weakShrinkage: this.settings.weakShrinkage } : {}),
      ...(this.settings.interactions !== undefined ? { interactions: this.settings.interactions } : {}),
      ...(this.settings.segmentGroups !== undefined ? { segmentGroups: this.settings.segmentGroups } : {}),
      ...(this.settings.rangedFeatures !== undefined ? { rangedFeatures: this.settings.rangedFeatures } : {}),
      ...(this.settings.segmentCountGroups !== undefined
        ? { segmentCountGroups: this.settings.segmentCountGroups }
        : {}),
      ...(this.settings.segmentResponses === true ? { segmentResponses: true } : {}),
      ...(this.settings.bags !== undefined ? { bags: this.settings.bags } : {}),
      ...(this.settings.bagShare !== undefined ? { bagShare: this.settings.bagShare } : {}),
      maxWeight: this.settings.maxWeight,
      caution: this.settings.caution,
      minActionExamples: this.settings.minActionExamples,
    });
    const p = result.promotion;
    const figures = {
      // How long the fit took: what an operator sizes PROFIT_LOG_MAX and PROFIT_BAGS by.
      fitSeconds: (Date.now() - started) / 1_000,
      train: result.train,
      heldOut: result.heldOut,
      reason: p.reason,
      candidate: p.candidate,
      current: p.current,
      difference: p.difference,
      overNone: p.overNone,
      currentOverNone: p.currentOverNone,
    };
    // Marked whatever the result (an unhelpful refit is not repeated until enough new decisions arrived), and only
    // once a promoted model is published: a reader of attempted() (GET /models) then knows the refit is over.
    const attempt = (outcome: ProfitRefitAttempt['outcome'], seq?: number): ProfitRefitAttempt => ({
      outcome,
      covered: appended,
      at: new Date().toISOString(),
      ...(seq !== undefined ? { seq } : {}),
      promotion: figures,
    });
    if (!result.model) {
      await this.models.markAttempt(attempt('not_better'));
      this.logger?.info('profit model refit not promoted', figures);
      return { outcome: 'not_better', result };
    }
    const seq = await this.models.publish(
      {
        model: result.model,
        features: this.models.featureLayout,
        examples: decisions.length,
        promotion: figures,
        publishedAt: new Date().toISOString(),
      },
      current?.seq ?? 0,
    );
    if (seq === undefined) {
      await this.models.markAttempt(attempt('superseded'));
      return { outcome: 'superseded', result };
    }
    await this.models.refresh();
    await this.models.markAttempt(attempt('published', seq));
    this.logger?.info('profit model published', { ...figures, seq });
    return { outcome: 'published', result, seq };
  }
}

/** Fits in a worker thread: a refit over the whole log must not stall this instance's decisions. */
export const fitProfitInWorker: ProfitFit = (input) =>
  runWorkerTask<ProfitRefitResult>(
    join(__dirname, `profit-fit.worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`),
    input,
    { code: 'PROFIT_FIT_FAILED', what: 'profit model refit' },
  );
