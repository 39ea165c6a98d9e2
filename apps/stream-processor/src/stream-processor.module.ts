import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { ClickstreamWriter, FeatureStoreReader } from '@offerstream/feature-store';
import type { RedisClient } from '@offerstream/redis';
import { InfraModule, OpenApiModule, PlatformModule, REDIS } from '@offerstream/platform';
import { CatalogConsumer } from './catalog.consumer';
import { ClickstreamConsumer } from './clickstream.consumer';
import { FeatureJobsService } from './feature-jobs.service';
import { FeaturesController } from './features.controller';
import type { StreamProcessorConfig } from './stream-processor.config';
import { CLICKSTREAM_WRITER, FEATURE_READER, STREAM_CONFIG } from './stream-processor.tokens';
import { STREAM_PROCESSOR_API_INFO, STREAM_PROCESSOR_API } from './stream-processor.openapi';

@Module({})
export class StreamProcessorModule {
  static forRoot(config: StreamProcessorConfig, logger: Logger): DynamicModule {
    return {
      module: StreamProcessorModule,
      imports: [
        PlatformModule.forService('stream-processor', logger),
        InfraModule.forRoot(config.kafka, config.redis, {
          groupId: config.service.CONSUMER_GROUP,
          partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
          maxBytesPerPartition: config.service.MAX_BYTES_PER_PARTITION,
        }),
        OpenApiModule.forService(STREAM_PROCESSOR_API_INFO, STREAM_PROCESSOR_API),
      ],
      controllers: [FeaturesController, ClickstreamConsumer, CatalogConsumer],
      providers: [
        { provide: STREAM_CONFIG, useValue: config },
        {
          provide: CLICKSTREAM_WRITER,
          inject: [REDIS],
          useFactory: (redis: RedisClient) => new ClickstreamWriter(redis, config.features),
        },
        {
          provide: FEATURE_READER,
          inject: [REDIS],
          useFactory: (redis: RedisClient) => new FeatureStoreReader(redis, config.features),
        },
        FeatureJobsService,
      ],
    };
  }
}
