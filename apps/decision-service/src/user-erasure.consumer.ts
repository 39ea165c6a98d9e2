import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import { UserErasure } from '@offerstream/decision';
import { BatchConsumer } from '@offerstream/kafka';
import { CONSUMER_INFRA, SERVICE_LOGGER, type ConsumerInfra } from '@offerstream/platform';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';

/**
 * Applies every erasure request on the user-erasures topic (from DELETE /users/:id on any instance, or from privacy
 * tooling that writes to the topic directly). Erasure is idempotent, so a request already applied over HTTP, or a
 * redelivered one, costs a few reads and removes nothing more. Committed only after the erasure is done.
 */
@Injectable()
export class UserErasureConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof TOPICS.userErasures.schema>;

  constructor(
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(UserErasure) erasure: UserErasure,
  ) {
    const s = config.service;
    this.consumer = new BatchConsumer({
      ...infra,
      logger,
      partitionsConsumedConcurrently: s.PARTITIONS_CONCURRENTLY,
      groupId: `${s.CONSUMER_GROUP}.user-erasures`,
      topic: TOPICS.userErasures,
      handler: async (events) => {
        for (const { event } of events) {
          const r = await erasure.erase(event.userId, event.payload.anonymousIds ?? []);
          // The request id, not the user id: logs must not carry the id of a user who asked to be forgotten.
          logger.info('user erased', { requestId: event.payload.requestId, removed: r.removed });
        }
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
