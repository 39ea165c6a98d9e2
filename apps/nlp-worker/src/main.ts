import { bootstrapService, runMain } from '@offerstream/platform';
import { loadNlpWorkerConfig } from './nlp-worker.config';
import { NlpWorkerModule } from './nlp-worker.module';

runMain(async () => {
  const config = loadNlpWorkerConfig();
  await bootstrapService({
    name: 'nlp-worker',
    port: config.service.PORT,
    module: (logger) => NlpWorkerModule.forRoot(config, logger),
  });
}, 'nlp-worker');
