import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import { BatchConsumer } from '@offerstream/kafka';
import type { NlpSignalStore, TextScoringPool } from '@offerstream/nlp';
import { CONSUMER_INFRA, type ConsumerInfra } from '@offerstream/platform';
import { NlpBatchProcessor } from './nlp-batch.processor';
import type { NlpWorkerConfig } from './nlp-worker.config';
import { nlpMetrics } from './nlp-worker.metrics';
import { NLP_CONFIG, NLP_POOL, NLP_STORE } from './nlp-worker.tokens';
import type { ScoringPoolHandle } from './scoring-pool.provider';

/**
 * Consumes the clickstream with its own group; reviews and searches are scored, every other event type is
 * skipped (and committed with its batch). Owns the pool's shutdown, so in-flight batches finish scoring first.
 */
@Injectable()
export class NlpTextConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.clickstream.schema>;
  private readonly pool: TextScoringPool;

  constructor(
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(NLP_CONFIG) config: NlpWorkerConfig,
    @Inject(NLP_POOL) handle: ScoringPoolHandle,
    @Inject(NLP_STORE) store: NlpSignalStore,
  ) {
    this.pool = handle.pool;
    const metrics = nlpMetrics(infra.registry);
    metrics.backendInfo.set({ backend: handle.pool.backend }, 1);
    const processor = new NlpBatchProcessor(
      handle.pool,
      store,
      infra.producer,
      config.service,
      metrics,
      handle.modelVersion,
    );
    this.consumer = new BatchConsumer({
      ...infra,
      groupId: config.service.CONSUMER_GROUP,
      topic: TOPICS.clickstream,
      partitionsConsumedConcurrently: config.service.PARTITIONS_CONCURRENTLY,
      handler: (events, ctx) => processor.process(events, ctx),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.pool.close();
  }
}
