import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { NlpSignalReader, NlpSignalStore } from '@offerstream/nlp';
import { InfraModule, OpenApiModule, PlatformModule, REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { NlpReadController } from './nlp-read.controller';
import { NlpTextConsumer } from './nlp-text.consumer';
import type { NlpWorkerConfig } from './nlp-worker.config';
import { NLP_CONFIG, NLP_READER, NLP_STORE } from './nlp-worker.tokens';
import { scoringPoolProvider } from './scoring-pool.provider';
import { NLP_WORKER_API_INFO, NLP_WORKER_API } from './nlp-worker.openapi';

@Module({})
export class NlpWorkerModule {
  static forRoot(config: NlpWorkerConfig, logger: Logger): DynamicModule {
    const s = config.service;
    return {
      module: NlpWorkerModule,
      imports: [
        PlatformModule.forService('nlp-worker', logger),
        InfraModule.forRoot(config.kafka, config.redis, {
          groupId: s.CONSUMER_GROUP,
          partitionsConsumedConcurrently: s.PARTITIONS_CONCURRENTLY,
        }),
        OpenApiModule.forService(NLP_WORKER_API_INFO, NLP_WORKER_API),
      ],
      controllers: [NlpReadController, NlpTextConsumer],
      providers: [
        { provide: NLP_CONFIG, useValue: config },
        {
          provide: NLP_STORE,
          inject: [REDIS],
          useFactory: (redis: RedisClient) =>
            new NlpSignalStore(redis, {
              priorMean: s.NLP_SENTIMENT_PRIOR_MEAN,
              priorWeight: s.NLP_SENTIMENT_PRIOR_WEIGHT,
              maxNegativeTerms: s.NLP_NEGATIVE_TERMS_MAX,
              intentHalfLifeMs: s.NLP_INTENT_HALF_LIFE_HOURS * 3_600_000,
              maxIntents: s.NLP_INTENT_MAX,
              maxUserReviews: s.NLP_USER_REVIEWS_MAX,
              userTtlMs: Math.round(s.NLP_USER_TTL_DAYS * 86_400_000),
            }),
        },
        { provide: NLP_READER, inject: [REDIS], useFactory: (redis: RedisClient) => new NlpSignalReader(redis) },
        scoringPoolProvider,
      ],
    };
  }
}
