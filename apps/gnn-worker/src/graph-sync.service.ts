import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS } from '@offerstream/contracts';
import { PeriodicTask, type Logger } from '@offerstream/core';
import type { EventProducer } from '@offerstream/kafka';
import { EVENT_PRODUCER, KAFKA, SERVICE_LOGGER } from '@offerstream/platform';
import type { InteractionLog, UserItemGraph } from '@offerstream/recsys';
import type { GnnWorkerConfig } from './gnn-worker.config';
import type { GnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_GRAPH, GNN_LOG, GNN_METRICS } from './gnn-worker.tokens';

/**
 * Keeps the in-memory graph equal to the interaction logs: reads them whole at boot (a restart rebuilds the
 * graph without Kafka), then tails every partition's log, including partitions other instances consume.
 */
@Injectable()
export class GraphSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private partitions = 0;
  private poll: PeriodicTask | undefined;
  private readonly log: Logger;
  private rebuilt = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_PRODUCER) private readonly producer: EventProducer,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GNN_CONFIG) private readonly config: GnnWorkerConfig,
    @Inject(GNN_LOG) private readonly interactions: InteractionLog,
    @Inject(GNN_GRAPH) private readonly graph: UserItemGraph,
    @Inject(GNN_METRICS) private readonly metrics: GnnMetrics,
  ) {
    this.log = logger.child({ component: 'graph-sync' });
  }

  /** True once the logs have been read whole after boot. */
  get ready(): boolean {
    return this.rebuilt;
  }

  async onApplicationBootstrap(): Promise<void> {
    const topic = this.producer.topicName(TOPICS.clickstream);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      this.partitions = meta.topics[0]?.partitions.length ?? TOPICS.clickstream.partitions;
    } finally {
      await admin.disconnect();
    }
    const started = performance.now();
    const read = await this.sync();
    this.rebuilt = true;
    this.log.info('graph rebuilt from the interaction logs', {
      entries: read,
      users: this.graph.numUsers,
      edges: this.graph.numEdges,
      seconds: Math.round(performance.now() - started) / 1000,
    });
    this.poll = new PeriodicTask(
      'reading the interaction logs (retried next poll)',
      this.config.service.GNN_LOG_POLL_MS,
      () => this.sync(),
      this.log,
    );
    this.poll.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poll?.stop();
  }

  /** Applies what the logs gained since the last read; returns the number of entries read. */
  async sync(): Promise<number> {
    const n = await this.interactions.readNew(this.partitions, 10_000, (r) => this.graph.add(r));
    this.metrics.graphUsers.set(this.graph.numUsers);
    this.metrics.graphEdges.set(this.graph.numEdges);
    return n;
  }
}
