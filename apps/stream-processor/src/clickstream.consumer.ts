import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import type { OfferStreamError } from '@offerstream/core';
import { type ClickstreamWriter, EventCounterStore } from '@offerstream/feature-store';
import { BatchConsumer, type ConsumedEvent } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { CONSUMER_INFRA, REDIS, type ConsumerInfra } from '@offerstream/platform';
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
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(REDIS) redis: RedisClient,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) writer: ClickstreamWriter,
  ) {
    const topicName = infra.producer.topicName(TOPICS.clickstream);
    const counters = new EventCounterStore(redis, config.service.CONSUMER_GROUP, topicName);
    this.consumer = new BatchConsumer({
      ...infra,
      groupId: config.service.CONSUMER_GROUP,
      topic: TOPICS.clickstream,
      partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: config.service.MAX_BYTES_PER_PARTITION,
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
