import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, type Logger } from '@offerstream/core';
import { CampaignCache, ReservationStore } from '@offerstream/decision';
import { SERVICE_LOGGER } from '@offerstream/platform';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';

/**
 * Gives back the budget of offers whose redemption window passed with no redeem, dismiss or expire outcome.
 * Every instance runs it; the release script decides each reservation once, so instances never double-release.
 */
@Injectable()
export class BudgetSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(ReservationStore) private readonly reservations: ReservationStore,
  ) {
    this.task = new PeriodicTask('budget sweep', config.service.BUDGET_SWEEP_MS, () => this.tick(), logger);
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
    for (const c of this.cache.all) {
      if (!this.task.isActive) return;
      const released = await this.reservations.releaseDue(c.id, now);
      if (released > 0) this.logger.info('released unused offer budget', { campaignId: c.id, released });
    }
  }
}
