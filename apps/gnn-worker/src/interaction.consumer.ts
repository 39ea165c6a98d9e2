import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import { BatchConsumer } from '@offerstream/kafka';
import { CONSUMER_INFRA, type ConsumerInfra } from '@offerstream/platform';
import {
  interactionOf,
  type InteractionLog,
  type InteractionWeights,
  type LoggedInteraction,
} from '@offerstream/recsys';
import type { GnnWorkerConfig } from './gnn-worker.config';
import type { GnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_LOG, GNN_METRICS } from './gnn-worker.tokens';

/**
 * Consumes the clickstream with its own group and appends views, carts and purchases to the partition's
 * interaction log (effectively once, by offset); the graph is built from that log, not from here.
 */
@Injectable()
export class InteractionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.clickstream.schema>;

  constructor(
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(GNN_CONFIG) config: GnnWorkerConfig,
    @Inject(GNN_LOG) log: InteractionLog,
    @Inject(GNN_METRICS) metrics: GnnMetrics,
  ) {
    const s = config.service;
    const weights: InteractionWeights = {
      view: s.GNN_WEIGHT_VIEW,
      cart: s.GNN_WEIGHT_CART,
      purchase: s.GNN_WEIGHT_PURCHASE,
    };
    this.consumer = new BatchConsumer({
      ...infra,
      groupId: s.CONSUMER_GROUP,
      topic: TOPICS.clickstream,
      partitionsConsumedConcurrently: s.PARTITIONS_CONCURRENTLY,
      handler: async (events, ctx) => {
        const entries: LoggedInteraction[] = [];
        for (const e of events) {
          const record = interactionOf(e.event, weights);
          if (record !== null && record.weight > 0) entries.push({ offset: Number(e.offset), record });
        }
        const added = await log.append(ctx.partition, entries);
        if (added > 0) metrics.interactions.inc({ result: 'logged' }, added);
        if (entries.length > added) metrics.interactions.inc({ result: 'duplicate' }, entries.length - added);
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
