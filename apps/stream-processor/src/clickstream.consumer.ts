import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import type { OfferStreamError } from '@offerstream/core';
import { type ClickstreamWriter, EventCounterStore } from '@offerstream/feature-store';
import type { BatchContext, ConsumedEvent, EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { EVENT_PRODUCER, REDIS } from '@offerstream/platform';
import { CLICKSTREAM_WRITER, STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/**
 * The clickstream, in the service's own group: user profiles, item aggregates and the per-type counters are
 * durable in Redis before the batch's offsets are committed.
 */
@Controller()
export class ClickstreamConsumer {
  private readonly counters: EventCounterStore;

  constructor(
    @Inject(REDIS) redis: RedisClient,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) private readonly writer: ClickstreamWriter,
  ) {
    const topicName = producer.topicName(TOPICS.clickstream);
    this.counters = new EventCounterStore(redis, config.service.CONSUMER_GROUP, topicName);
  }

  @EventPattern(TOPICS.clickstream.name)
  async clickstream(@Payload() events: ConsumedEvent<ClickstreamEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    // Rejections are dead-lettered before the state that records them as seen is written (see BeforeWrite).
    await this.writer.applyBatch(
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
    await this.counters.apply(ctx.partition, events);
  }
}
