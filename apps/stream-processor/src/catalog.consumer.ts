import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { TOPICS } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import { CatalogWriter, type ClickstreamWriter } from '@offerstream/feature-store';
import { BatchConsumer, type EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { EVENT_PRODUCER, KAFKA, METRICS_REGISTRY, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { CLICKSTREAM_WRITER, STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/** Catalog upserts/deletes: item metadata, content vectors and document frequencies. */
@Injectable()
export class CatalogConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.catalog.schema>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(REDIS) redis: RedisClient,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) clickstream: ClickstreamWriter,
  ) {
    const writer = new CatalogWriter(redis, config.features, (id) => clickstream.itemCache.invalidate(id));
    this.consumer = new BatchConsumer({
      kafka,
      producer,
      groupId: `${config.service.CONSUMER_GROUP}.catalog`,
      topic: TOPICS.catalog,
      partitionsConsumedConcurrently: Math.min(config.service.PARTITIONS_CONCURRENTLY, TOPICS.catalog.partitions),
      logger,
      registry,
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
