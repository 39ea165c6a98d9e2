import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import {
  BudgetPacer,
  CampaignCache,
  CampaignConflictError,
  CampaignStore,
  ProfitModelStore,
  PropensityStore,
  type LearningLoop,
  type PropensityRefitJob,
} from '@offerstream/decision';
import { SERVICE_LOGGER } from '@offerstream/platform';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG, LEARNING_LOOP, PROPENSITY_REFIT } from './decision-service.tokens';
import { OfferPublisher } from './offer-publisher';

/** Id of the campaign created at boot on a fresh stack (DEFAULT_CAMPAIGN). */
export const DEFAULT_CAMPAIGN_ID = 'default';

/**
 * Starts and stops the pollers and learning timers the decisions depend on. They start in onModuleInit, which Nest
 * completes before any onApplicationBootstrap: consumers and schedulers (started there) never decide with an empty
 * campaign list or before the published models and budget prices are loaded. They stop in onApplicationShutdown,
 * after the HTTP server closed; stopping a poll only freezes what in-flight batches read, and the publisher is
 * drained last so that offers decided over HTTP reach Kafka.
 */
@Injectable()
export class DecisionLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DECISION_CONFIG) private readonly config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(CampaignStore) private readonly campaigns: CampaignStore,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(ProfitModelStore) private readonly profit: ProfitModelStore,
    @Inject(BudgetPacer) private readonly pacer: BudgetPacer,
    @Inject(PropensityStore) private readonly propensity: PropensityStore,
    @Inject(PROPENSITY_REFIT) private readonly refit: PropensityRefitJob | undefined,
    @Inject(LEARNING_LOOP) private readonly learning: LearningLoop | undefined,
    @Inject(OfferPublisher) private readonly publisher: OfferPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    const s = this.config.service;
    await this.ensureDefaultCampaign();
    await this.cache.start();
    // The pacer prices the campaigns the cache holds, so it starts after the cache's first load.
    await this.pacer.start();
    await this.profit.start(s.PROFIT_POLL_MS);
    await this.propensity.start(s.PROPENSITY_POLL_MS);
    this.refit?.start();
    this.learning?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      this.cache.stop(),
      this.pacer.stop(),
      this.profit.stop(),
      this.propensity.stop(),
      this.refit?.stop(),
      this.learning?.stop(),
    ]);
    await this.publisher.drain();
  }

  private async ensureDefaultCampaign(): Promise<void> {
    const s = this.config.service;
    if (!s.DEFAULT_CAMPAIGN || (await this.campaigns.list()).length > 0) return;
    try {
      await this.campaigns.create({
        id: DEFAULT_CAMPAIGN_ID,
        name: 'Default campaign (created at boot)',
        budget: { spend: s.DEFAULT_CAMPAIGN_SPEND, count: s.DEFAULT_CAMPAIGN_COUNT },
        holdoutShare: s.DEFAULT_CAMPAIGN_HOLDOUT,
      });
      this.logger.info('created the default campaign');
    } catch (e) {
      // Another instance booting at the same moment created it first.
      if (!(e instanceof CampaignConflictError)) throw e;
    }
  }
}
