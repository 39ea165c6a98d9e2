import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, type Logger } from '@offerstream/core';
import { CampaignCache, campaignReport, CampaignSeries } from '@offerstream/decision';
import { REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import type { DecisionServiceConfig } from '../decision-service.config';
import { DECISION_CONFIG } from '../decision-service.tokens';

/**
 * Samples every campaign's report into its time series once per SERIES_SAMPLE_MS (two hash reads and one write per
 * campaign; no off-policy evaluation). Every instance runs it; the first sample of a bucket is kept.
 */
@Injectable()
export class CampaignSeriesSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(CampaignSeries) private readonly series: CampaignSeries,
  ) {
    this.task = new PeriodicTask('campaign series', config.service.SERIES_SAMPLE_MS, () => this.tick(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const c of this.cache.all) {
      if (!this.task.isActive) return;
      await this.series.sample(await campaignReport(this.redis, c), now);
    }
  }
}
