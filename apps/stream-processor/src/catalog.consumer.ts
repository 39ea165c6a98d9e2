import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import { CatalogWriter, type ClickstreamWriter } from '@offerstream/feature-store';
import { BatchConsumer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { CONSUMER_INFRA, REDIS, type ConsumerInfra } from '@offerstream/platform';
import { CLICKSTREAM_WRITER, STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/** Catalog upserts/deletes: item metadata, content vectors and document frequencies. */
@Injectable()
export class CatalogConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.catalog.schema>;

  constructor(
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(REDIS) redis: RedisClient,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) clickstream: ClickstreamWriter,
  ) {
    const writer = new CatalogWriter(redis, config.features, (id) => clickstream.itemCache.invalidate(id));
    this.consumer = new BatchConsumer({
      ...infra,
      groupId: `${config.service.CONSUMER_GROUP}.catalog`,
      topic: TOPICS.catalog,
      partitionsConsumedConcurrently: Math.min(config.service.PARTITIONS_CONCURRENTLY, TOPICS.catalog.partitions),
      handler: async (events, ctx) => {
        await writer.applyBatch(
          ctx.partition,
          events.map((e) => ({ offset: e.offset, event: e.event })),
        );
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
