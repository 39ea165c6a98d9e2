import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/**
 * Gives back the budget of offers whose redemption window passed with no redeem, dismiss or expire outcome.
 * Every instance runs it; the release script decides each reservation once, so instances never double-release.
 */
@Injectable()
export class BudgetSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((e: unknown) => this.rt.logger.warn('budget sweep failed', { error: e }))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.rt.config.service.BUDGET_SWEEP_MS);
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    // Ended and paused campaigns too: their open reservations still belong in their final figures.
    for (const c of this.rt.cache.all) {
      if (this.stopped) return;
      const released = await this.rt.reservations.releaseDue(c.id, now);
      if (released > 0) this.rt.logger.info('released unused offer budget', { campaignId: c.id, released });
    }
  }
}
