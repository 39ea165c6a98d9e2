import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import type { EventProducer } from '@offerstream/kafka';
import { EVENT_PRODUCER, KAFKA } from '@offerstream/platform';
import type { Admin, Kafka } from 'kafkajs';
import type { DecisionServiceConfig } from '../decision-service.config';
import { DECISION_CONFIG } from '../decision-service.tokens';

export interface ConsumerLag {
  readonly group: string;
  readonly topic: string;
  /** Messages not yet committed by the group, summed over partitions (a partition never committed counts whole). */
  readonly lag: number;
  readonly partitions: readonly { partition: number; committed: number; end: number; lag: number }[];
}

/**
 * Lag of the decision service's own consumer groups (end offset minus committed offset per partition), read with a
 * Kafka admin client opened on first use. Only these groups: the console shows what this service can vouch for.
 */
@Injectable()
export class ConsumerLagReader implements OnApplicationShutdown {
  private admin: Promise<Admin> | undefined;
  private readonly groups: readonly { group: string; topic: string }[];

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_PRODUCER) producer: EventProducer,
    @Inject(DECISION_CONFIG) { service: s }: DecisionServiceConfig,
  ) {
    this.groups = [
      { group: `${s.CONSUMER_GROUP}.clickstream`, topic: producer.topicName(TOPICS.clickstream) },
      { group: `${s.CONSUMER_GROUP}.offer-requests`, topic: producer.topicName(TOPICS.offerRequests) },
      { group: `${s.CONSUMER_GROUP}.offer-outcomes`, topic: producer.topicName(TOPICS.offerOutcomes) },
      { group: `${s.CONSUMER_GROUP}.nlp-signals`, topic: producer.topicName(TOPICS.nlpSignals) },
    ];
  }

  async read(): Promise<ConsumerLag[]> {
    const admin = await this.connect();
    return Promise.all(
      this.groups.map(async ({ group, topic }) => {
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId: group, topics: [topic] }),
        ]);
        const done = new Map(
          (committed[0]?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))] as const),
        );
        const partitions = ends
          .map((e) => {
            const end = Number(e.high);
            const c = done.get(e.partition) ?? 0;
            return { partition: e.partition, committed: c, end, lag: Math.max(0, end - c) };
          })
          .sort((a, b) => a.partition - b.partition);
        return { group, topic, lag: partitions.reduce((s, p) => s + p.lag, 0), partitions };
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }

  private connect(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // A failed connect is retried on the next request instead of being cached.
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}
