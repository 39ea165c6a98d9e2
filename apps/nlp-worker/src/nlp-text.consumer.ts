import { Controller, Inject, type OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Registry } from 'prom-client';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import type { BatchContext, BatchResult, ConsumedEvent, EventProducer } from '@offerstream/kafka';
import type { NlpSignalStore, TextScoringPool } from '@offerstream/nlp';
import { EVENT_PRODUCER, METRICS_REGISTRY } from '@offerstream/platform';
import { NlpBatchProcessor } from './nlp-batch.processor';
import type { NlpWorkerConfig } from './nlp-worker.config';
import { nlpMetrics } from './nlp-worker.metrics';
import { NLP_CONFIG, NLP_POOL, NLP_STORE } from './nlp-worker.tokens';
import type { ScoringPoolHandle } from './scoring-pool.provider';

/**
 * The clickstream, in the worker's own group; reviews and searches are scored, every other event type is
 * skipped (and committed with its batch). Owns the pool's shutdown, which Nest runs after the consumers have
 * drained, so in-flight batches finish scoring first.
 */
@Controller()
export class NlpTextConsumer implements OnApplicationShutdown {
  private readonly pool: TextScoringPool;
  private readonly processor: NlpBatchProcessor;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(NLP_CONFIG) config: NlpWorkerConfig,
    @Inject(NLP_POOL) handle: ScoringPoolHandle,
    @Inject(NLP_STORE) store: NlpSignalStore,
  ) {
    this.pool = handle.pool;
    const metrics = nlpMetrics(registry);
    metrics.backendInfo.set({ backend: handle.pool.backend }, 1);
    this.processor = new NlpBatchProcessor(handle.pool, store, producer, config.service, metrics, handle.modelVersion);
  }

  @EventPattern(TOPICS.clickstream.name)
  clickstream(
    @Payload() events: ConsumedEvent<ClickstreamEvent>[],
    @Ctx() ctx: BatchContext,
  ): Promise<BatchResult<ClickstreamEvent>> {
    return this.processor.process(events, ctx);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}
