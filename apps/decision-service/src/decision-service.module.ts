import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { InfraModule, OpenApiModule, PlatformModule } from '@offerstream/platform';
import { BudgetSweeper } from './budget-sweeper';
import { CampaignMetrics } from './campaign-metrics';
import { CampaignsController } from './campaigns.controller';
import { PrivateReportController } from './private-report.controller';
import { CartScheduler } from './cart-scheduler';
import { CampaignSeriesSampler } from './console/campaign-series.sampler';
import { ConsoleInsightsController } from './console/console-insights.controller';
import { ConsoleSessionController } from './console/console-session.controller';
import { ConsoleController } from './console/console.controller';
import { consoleProviders } from './console/console.providers';
import { ConsumerLagReader } from './console/consumer-lag.reader';
import { ModelStatusController } from './console/model-status.controller';
import { UserLookupController } from './console/user-lookup.controller';
import { DecisionLifecycle } from './decision-lifecycle';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_SERVICE_API_INFO, DECISION_SERVICE_API } from './decision-service.openapi';
import { DECISION_CONFIG } from './decision-service.tokens';
import { DecisionConsumers } from './decision.consumers';
import { decisionProviders } from './decision.providers';
import { DecisionService } from './decision.service';
import { DecisionsController } from './decisions.controller';
import { NlpSignalConsumer } from './nlp-signal.consumer';
import { UserErasureConsumer } from './user-erasure.consumer';
import { userErasureProviders } from './user-erasure.providers';
import { UsersController } from './users.controller';
import { SegmentsController } from './segments.controller';

@Module({})
export class DecisionServiceModule {
  static forRoot(config: DecisionServiceConfig, logger: Logger): DynamicModule {
    return {
      module: DecisionServiceModule,
      imports: [
        PlatformModule.forService('decision-service', logger),
        InfraModule.forRoot(config.kafka, config.redis, {
          groupId: config.service.CONSUMER_GROUP,
          partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
        }),
        OpenApiModule.forService(DECISION_SERVICE_API_INFO, DECISION_SERVICE_API),
      ],
      controllers: [
        DecisionsController,
        CampaignsController,
        PrivateReportController,
        ConsoleController,
        ConsoleSessionController,
        ConsoleInsightsController,
        UserLookupController,
        ModelStatusController,
        UsersController,
        SegmentsController,
        DecisionConsumers,
        UserErasureConsumer,
        NlpSignalConsumer,
      ],
      providers: [
        { provide: DECISION_CONFIG, useValue: config },
        ...decisionProviders,
        ...consoleProviders,
        ...userErasureProviders,
        ConsumerLagReader,
        CampaignSeriesSampler,
        DecisionLifecycle,
        DecisionService,
        CartScheduler,
        BudgetSweeper,
        CampaignMetrics,
      ],
    };
  }
}
