import { bootstrapService, runMain } from '@offerstream/platform';
import { loadDecisionServiceConfig } from './decision-service.config';
import { DecisionServiceModule } from './decision-service.module';

runMain(async () => {
  const config = loadDecisionServiceConfig();
  await bootstrapService({
    name: 'decision-service',
    port: config.service.PORT,
    module: (logger) => DecisionServiceModule.forRoot(config, logger),
  });
}, 'decision-service');
