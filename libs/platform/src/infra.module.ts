import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createKafka, EventProducer, type KafkaEnv, type PartitionMarkStore } from '@offerstream/kafka';
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
/** What every BatchConsumer of a service shares: spread it into the options (`{ ...infra, groupId, topic, ... }`). */
export const CONSUMER_INFRA = Symbol('CONSUMER_INFRA');

export interface ConsumerInfra {
  readonly kafka: Kafka;
  /** Dead letters go through it; its topic prefix applies to the consumed topics too. */
  readonly producer: EventProducer;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Partition marks beside the state in Redis, reconciled with the log on every assignment. */
  readonly marks: PartitionMarkStore;
  /** Each consumer's readiness check (crash-looping, stopped, refusing a partition). */
  readonly health: HealthRegistry;
  /** Raw user ids of shop topics become pseudonyms as they are decoded (see BatchConsumerOptions.pseudonyms). */
  readonly pseudonyms?: UserPseudonyms;
}

/**
 * Kafka and Redis clients of a service, built from validated config, checked by /health/ready, and closed last
 * on shutdown (after the consumers that use them have finished their in-flight batches).
 */
@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_PRODUCER) private readonly producer: EventProducer,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
  ) {}

  static forRoot(kafkaEnv: KafkaEnv, redisEnv: RedisEnv): DynamicModule {
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
          provide: CONSUMER_INFRA,
          inject: [KAFKA, EVENT_PRODUCER, METRICS_REGISTRY, SERVICE_LOGGER, REDIS, HEALTH_REGISTRY, USER_PSEUDONYMS],
          useFactory: (
            kafka: Kafka,
            producer: EventProducer,
            registry: Registry,
            logger: Logger,
            redis: RedisClient,
            health: HealthRegistry,
            pseudonyms: UserPseudonyms,
          ): ConsumerInfra => ({
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
      exports: [KAFKA, EVENT_PRODUCER, REDIS, CONSUMER_INFRA],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }
}
