import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, EventProducer, type KafkaEnv } from '@offerstream/kafka';
import { createRedis, type RedisClient, type RedisEnv } from '@offerstream/redis';
import type { Logger } from '@offerstream/core';
import { HEALTH_REGISTRY, SERVICE_LOGGER } from './platform.tokens';
import type { HealthRegistry } from './health.registry';

export const KAFKA = Symbol('KAFKA');
export const EVENT_PRODUCER = Symbol('EVENT_PRODUCER');
export const REDIS = Symbol('REDIS');
const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');

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
          provide: REDIS,
          inject: [HEALTH_REGISTRY],
          useFactory: async (health: HealthRegistry) => {
            const redis = createRedis(redisEnv);
            await redis.ping();
            health.register('redis', async () => {
              await redis.ping();
            });
            return redis;
          },
        },
      ],
      exports: [KAFKA, EVENT_PRODUCER, REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }
}
