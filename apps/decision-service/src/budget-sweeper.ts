import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@offerstream/core';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/**
 * Gives back the budget of offers whose redemption window passed with no redeem, dismiss or expire outcome.
 * Every instance runs it; the release script decides each reservation once, so instances never double-release.
 */
@Injectable()
export class BudgetSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {
    this.task = new PeriodicTask('budget sweep', rt.config.service.BUDGET_SWEEP_MS, () => this.tick(), rt.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    // Ended and paused campaigns too: their open reservations still belong in their final figures.
    for (const c of this.rt.cache.all) {
      if (!this.task.isActive) return;
      const released = await this.rt.reservations.releaseDue(c.id, now);
      if (released > 0) this.rt.logger.info('released unused offer budget', { campaignId: c.id, released });
    }
  }
}
