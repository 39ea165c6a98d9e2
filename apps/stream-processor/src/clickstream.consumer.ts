import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import type { Logger, OfferStreamError } from '@offerstream/core';
import { type ClickstreamWriter, EventCounterStore } from '@offerstream/feature-store';
import { BatchConsumer, type ConsumedEvent, type EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { EVENT_PRODUCER, KAFKA, METRICS_REGISTRY, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { CLICKSTREAM_WRITER, STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

type Clickstream = typeof TOPICS.clickstream.schema;

/**
 * Consumes the clickstream with the shared batch consumer; user profiles, item aggregates and the per-type
 * counters are durable in Redis before the batch's offsets are committed.
 */
@Injectable()
export class ClickstreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<Clickstream>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(REDIS) redis: RedisClient,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) writer: ClickstreamWriter,
  ) {
    const topicName = producer.topicName(TOPICS.clickstream);
    const counters = new EventCounterStore(redis, config.service.CONSUMER_GROUP, topicName);
    this.consumer = new BatchConsumer({
      kafka,
      producer,
      groupId: config.service.CONSUMER_GROUP,
      topic: TOPICS.clickstream,
      partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: config.service.MAX_BYTES_PER_PARTITION,
      logger,
      registry,
      handler: async (events, ctx) => {
        // Rejections are dead-lettered before the state that records them as seen is written (see BeforeWrite).
        await writer.applyBatch(
          ctx.partition,
          events.map((e) => ({ offset: e.offset, event: e.event, bytes: e.message.value?.length ?? 0 })),
          (rejected) => {
            const dead: { event: ConsumedEvent<ClickstreamEvent>; error: OfferStreamError }[] = [];
            for (const r of rejected) {
              const event = events[r.index];
              if (event) dead.push({ event, error: r.error });
            }
            return ctx.deadLetter(dead);
          },
        );
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
