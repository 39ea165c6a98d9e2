import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { InfraModule, PlatformModule } from '@offerstream/platform';
import { ClickstreamConsumer } from './clickstream.consumer';
import type { StreamProcessorConfig } from './stream-processor.config';
import { STREAM_CONFIG } from './stream-processor.tokens';

@Module({})
export class StreamProcessorModule {
  static forRoot(config: StreamProcessorConfig, logger: Logger): DynamicModule {
    return {
      module: StreamProcessorModule,
      imports: [PlatformModule.forService('stream-processor', logger), InfraModule.forRoot(config.kafka, config.redis)],
      providers: [{ provide: STREAM_CONFIG, useValue: config }, ClickstreamConsumer],
    };
  }
}
