import type { Provider } from '@nestjs/common';
import { TOPICS } from '@offerstream/contracts';
import { UserErasure } from '@offerstream/decision';
import { loadFeatureStoreConfig } from '@offerstream/feature-store';
import type { EventProducer } from '@offerstream/kafka';
import { EVENT_PRODUCER, REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';

/** The one eraser of the deployment: every library's eraseUser, called in order (see libs/decision UserErasure). */
export const userErasureProviders: Provider[] = [
  {
    provide: UserErasure,
    inject: [REDIS, DECISION_CONFIG, EVENT_PRODUCER],
    useFactory: (redis: RedisClient, c: DecisionServiceConfig, producer: EventProducer): UserErasure =>
      new UserErasure(redis, loadFeatureStoreConfig(c.env), {
        // The GNN worker names its interaction log after the clickstream topic with the deployment's prefix.
        clickstreamTopic: producer.topicName(TOPICS.clickstream),
        clickstreamPartitions: TOPICS.clickstream.partitions,
      }),
  },
];
