import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createKafka, EventProducer, KafkaBatchTransport, type KafkaEnv } from '@offerstream/kafka';
import {
  createRedis,
  RedisPartitionMarks,
  requireRedisPersistence,
  type RedisClient,
  type RedisEnv,
} from '@offerstream/redis';
import type { Logger, UserPseudonyms } from '@offerstream/core';
import { HEALTH_REGISTRY, METRICS_REGISTRY, SERVICE_LOGGER, USER_PSEUDONYMS } from './platform.tokens';
import type { HealthRegistry } from './health.registry';

export const KAFKA = Symbol('KAFKA');
export const EVENT_PRODUCER = Symbol('EVENT_PRODUCER');
export const REDIS = Symbol('REDIS');
const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');
/** The service's consumers: a KafkaBatchTransport, connected by bootstrapService (see connectBatchTransport). */
export const BATCH_TRANSPORT = Symbol('BATCH_TRANSPORT');

/** What every consumer of a service shares (its handlers are the `@EventPattern` methods of its controllers). */
export interface ServiceConsumerSettings {
  /** The service's consumer group; `@EventPattern(topic, { group: 'x' })` consumes in `<groupId>.x` instead. */
  readonly groupId: string;
  /** Partitions of one topic processed at once (capped by the topic's partition count). */
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition?: number;
}

/**
 * Kafka and Redis clients of a service and its consumer transport, built from validated config, checked by
 * /health/ready, and closed last on shutdown (after the consumers that use them have finished their in-flight batches).
 */
@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_PRODUCER) private readonly producer: EventProducer,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
  ) {}

  static forRoot(kafkaEnv: KafkaEnv, redisEnv: RedisEnv, consumers: ServiceConsumerSettings): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        {
          provide: KAFKA,
          inject: [SERVICE_LOGGER],
          useFactory: (logger: Logger) => createKafka(kafkaEnv, logger.child({ component: 'kafka' })),
        },
        {
          provide: EVENT_PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            const producer = new EventProducer(kafka, kafkaEnv.KAFKA_TOPIC_PREFIX);
            await producer.connect();
            return producer;
          },
        },
        {
          provide: KAFKA_ADMIN,
          inject: [KAFKA, HEALTH_REGISTRY],
          useFactory: async (kafka: Kafka, health: HealthRegistry) => {
            const admin = kafka.admin();
            await admin.connect();
            health.register('kafka', async () => {
              await admin.describeCluster();
            });
            return admin;
          },
        },
        {
          // Dead letters go through the producer, whose topic prefix applies to the consumed topics too; partition
          // marks live beside the state in Redis; raw user ids of shop topics become pseudonyms as they are decoded.
          provide: BATCH_TRANSPORT,
          inject: [KAFKA, EVENT_PRODUCER, METRICS_REGISTRY, SERVICE_LOGGER, REDIS, HEALTH_REGISTRY, USER_PSEUDONYMS],
          useFactory: (
            kafka: Kafka,
            producer: EventProducer,
            registry: Registry,
            logger: Logger,
            redis: RedisClient,
            health: HealthRegistry,
            pseudonyms: UserPseudonyms,
          ) =>
            new KafkaBatchTransport({
              ...consumers,
              kafka,
              producer,
              registry,
              logger,
              marks: new RedisPartitionMarks(redis),
              health,
              pseudonyms,
            }),
        },
        {
          provide: REDIS,
          inject: [HEALTH_REGISTRY],
          useFactory: async (health: HealthRegistry) => {
            const redis = createRedis(redisEnv);
            await redis.ping();
            if (redisEnv.REDIS_REQUIRE_PERSISTENCE) await requireRedisPersistence(redis);
            health.register('redis', async () => {
              await redis.ping();
            });
            return redis;
          },
        },
      ],
      exports: [KAFKA, EVENT_PRODUCER, REDIS, BATCH_TRANSPORT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }
}
