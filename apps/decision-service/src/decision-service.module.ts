import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Registry } from 'prom-client';
import type { Logger } from '@offerstream/core';
import type { EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { EVENT_PRODUCER, InfraModule, METRICS_REGISTRY, PlatformModule, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { CampaignsController } from './campaigns.controller';
import { DashboardController } from './dashboard.controller';
import { BudgetSweeper } from './budget-sweeper';
import { CartScheduler } from './cart-scheduler';
import { DecisionConsumers } from './decision.consumers';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG, DECISION_RUNTIME } from './decision-service.tokens';
import { DecisionRuntime } from './decision-runtime';
import { DecisionsController } from './decisions.controller';
import { HttpErrorFilter } from './http-error.filter';

@Module({})
export class DecisionServiceModule implements OnApplicationShutdown {
  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {}

  static forRoot(config: DecisionServiceConfig, logger: Logger): DynamicModule {
    return {
      module: DecisionServiceModule,
      imports: [PlatformModule.forService('decision-service', logger), InfraModule.forRoot(config.kafka, config.redis)],
      controllers: [DecisionsController, CampaignsController, DashboardController],
      providers: [
        { provide: DECISION_CONFIG, useValue: config },
        {
          provide: DECISION_RUNTIME,
          inject: [REDIS, EVENT_PRODUCER, METRICS_REGISTRY, SERVICE_LOGGER],
          useFactory: async (redis: RedisClient, producer: EventProducer, registry: Registry, log: Logger) => {
            const rt = new DecisionRuntime(config, redis, producer, registry, log);
            await rt.start();
            return rt;
          },
        },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        DecisionConsumers,
        CartScheduler,
        BudgetSweeper,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rt.stop();
    await this.rt.publisher.drain();
  }
}
