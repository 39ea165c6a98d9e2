import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { TOPICS } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import { EventCounterStore } from '@offerstream/feature-store';
import { BatchConsumer, type EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { EVENT_PRODUCER, KAFKA, METRICS_REGISTRY, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/** Consumes the clickstream with the shared batch consumer and writes state to Redis before committing. */
@Injectable()
export class ClickstreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.clickstream.schema>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(REDIS) redis: RedisClient,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
  ) {
    const topicName = producer.topicName(TOPICS.clickstream);
    const counters = new EventCounterStore(redis, config.service.CONSUMER_GROUP, topicName);
    this.consumer = new BatchConsumer({
      kafka,
      producer,
      groupId: config.service.CONSUMER_GROUP,
      topic: TOPICS.clickstream,
      partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
      logger,
      registry,
      handler: async (events, ctx) => {
        await counters.apply(ctx.partition, events);
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
