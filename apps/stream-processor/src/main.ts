import { bootstrapService, runMain } from '@offerstream/platform';
import { loadStreamProcessorConfig } from './stream-processor.config';
import { StreamProcessorModule } from './stream-processor.module';

runMain(async () => {
  const config = loadStreamProcessorConfig();
  await bootstrapService({
    name: 'stream-processor',
    port: config.service.PORT,
    module: (logger) => StreamProcessorModule.forRoot(config, logger),
  });
}, 'stream-processor');
