import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import type { BatchContext, ConsumedEvent } from '@offerstream/kafka';
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
 * The clickstream, in the worker's own group: views, carts and purchases are appended to the partition's
 * interaction log (effectively once, by offset); the graph is built from that log, not from here.
 */
@Controller()
export class InteractionConsumer {
  private readonly weights: InteractionWeights;

  constructor(
    @Inject(GNN_CONFIG) config: GnnWorkerConfig,
    @Inject(GNN_LOG) private readonly log: InteractionLog,
    @Inject(GNN_METRICS) private readonly metrics: GnnMetrics,
  ) {
    const s = config.service;
    this.weights = { view: s.GNN_WEIGHT_VIEW, cart: s.GNN_WEIGHT_CART, purchase: s.GNN_WEIGHT_PURCHASE };
  }

  @EventPattern(TOPICS.clickstream.name)
  async clickstream(@Payload() events: ConsumedEvent<ClickstreamEvent>[], @Ctx() ctx: BatchContext): Promise<void> {
    const entries: LoggedInteraction[] = [];
    for (const e of events) {
      const record = interactionOf(e.event, this.weights);
      if (record !== null && record.weight > 0) entries.push({ offset: Number(e.offset), record });
    }
    const added = await this.log.append(ctx.partition, entries);
    if (added > 0) this.metrics.interactions.inc({ result: 'logged' }, added);
    if (entries.length > added) this.metrics.interactions.inc({ result: 'duplicate' }, entries.length - added);
  }
}
