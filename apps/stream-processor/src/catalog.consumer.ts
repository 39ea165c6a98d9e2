import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type CatalogEvent } from '@offerstream/contracts';
import { CatalogWriter, type ClickstreamWriter } from '@offerstream/feature-store';
import type { BatchContext, BatchPatternExtras, ConsumedEvent } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import { REDIS } from '@offerstream/platform';
import { CLICKSTREAM_WRITER, STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/** Catalog upserts/deletes: item metadata, content vectors and document frequencies. */
@Controller()
export class CatalogConsumer {
  private readonly writer: CatalogWriter;

  constructor(
    @Inject(REDIS) redis: RedisClient,
    @Inject(STREAM_CONFIG) config: StreamProcessorConfig,
    @Inject(CLICKSTREAM_WRITER) clickstream: ClickstreamWriter,
  ) {
    this.writer = new CatalogWriter(redis, config.features, (id) => clickstream.itemCache.invalidate(id));
  }

  @EventPattern(TOPICS.catalog.name, { group: 'catalog' } satisfies BatchPatternExtras)
  async catalog(@Payload() events: ConsumedEvent<CatalogEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    await this.writer.applyBatch(
      ctx.partition,
      events.map((e) => ({ offset: e.offset, event: e.event })),
    );
  }
}
