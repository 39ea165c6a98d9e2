import { bootstrapService, runMain } from '@offerstream/platform';
import { loadGnnWorkerConfig } from './gnn-worker.config';
import { GnnWorkerModule } from './gnn-worker.module';

runMain(async () => {
  const config = loadGnnWorkerConfig();
  await bootstrapService({
    name: 'gnn-worker',
    port: config.service.PORT,
    module: (logger) => GnnWorkerModule.forRoot(config, logger),
  });
}, 'gnn-worker');
