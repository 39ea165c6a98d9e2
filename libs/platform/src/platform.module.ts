import { Global, Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '@offerstream/core';
import { HealthRegistry } from './health.registry';
import { OpsController } from './ops.controller';
import { HEALTH_REGISTRY, METRICS_REGISTRY, SERVICE_LOGGER } from './platform.tokens';

/** Health, metrics and logging shared by every service; each service's own modules register checks into it. */
@Global()
@Module({})
export class PlatformModule {
  static forService(serviceName: string, logger: Logger): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: registry });
    return {
      module: PlatformModule,
      controllers: [OpsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: HEALTH_REGISTRY, useValue: new HealthRegistry() },
        { provide: SERVICE_LOGGER, useValue: logger },
      ],
      exports: [METRICS_REGISTRY, HEALTH_REGISTRY, SERVICE_LOGGER],
    };
  }
}
