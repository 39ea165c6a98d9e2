import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { TOPICS } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import { FeatureStoreReader } from '@offerstream/feature-store';
import type { EventProducer } from '@offerstream/kafka';
import {
  EVENT_PRODUCER,
  InfraModule,
  METRICS_REGISTRY,
  OpenApiModule,
  PlatformModule,
  REDIS,
} from '@offerstream/platform';
import {
  FeatureStoreHistory,
  GnnCandidateReader,
  GraphHistory,
  InteractionLog,
  MergedHistory,
  ModelPublisher,
  UserItemGraph,
  type UserHistorySource,
} from '@offerstream/recsys';
import type { RedisClient } from '@offerstream/redis';
import { CandidatesController } from './candidates.controller';
import type { GnnWorkerConfig } from './gnn-worker.config';
import { gnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_GRAPH, GNN_LOG, GNN_METRICS, GNN_PUBLISHER, GNN_READER } from './gnn-worker.tokens';
import { GnnTrainer } from './gnn-trainer.service';
import { GraphSync } from './graph-sync.service';
import { InteractionConsumer } from './interaction.consumer';
import { ModelWatcher } from './model-watcher.service';
import { GNN_WORKER_API_INFO, GNN_WORKER_API } from './gnn-worker.openapi';

const DAY_S = 86_400;

@Module({})
export class GnnWorkerModule {
  static forRoot(config: GnnWorkerConfig, logger: Logger): DynamicModule {
    const s = config.service;
    const graph = new UserItemGraph({
      maxItemsPerUser: s.GNN_MAX_ITEMS_PER_USER,
      maxUsers: s.GNN_MAX_USERS,
      maxAgeSeconds: s.GNN_MAX_AGE_DAYS * DAY_S,
      halfLifeSeconds: s.GNN_EDGE_HALF_LIFE_DAYS * DAY_S,
    });
    return {
      module: GnnWorkerModule,
      imports: [
        PlatformModule.forService('gnn-worker', logger),
        InfraModule.forRoot(config.kafka, config.redis, {
          groupId: s.CONSUMER_GROUP,
          partitionsConsumedConcurrently: s.PARTITIONS_CONCURRENTLY,
        }),
        OpenApiModule.forService(GNN_WORKER_API_INFO, GNN_WORKER_API),
      ],
      controllers: [CandidatesController, InteractionConsumer],
      providers: [
        { provide: GNN_CONFIG, useValue: config },
        { provide: GNN_GRAPH, useValue: graph },
        { provide: GNN_METRICS, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => gnnMetrics(registry) },
        {
          provide: GNN_LOG,
          inject: [REDIS, EVENT_PRODUCER],
          useFactory: (redis: RedisClient, producer: EventProducer) =>
            new InteractionLog(redis, producer.topicName(TOPICS.clickstream), s.GNN_LOG_MAX_PER_PARTITION),
        },
        {
          provide: GNN_PUBLISHER,
          inject: [REDIS],
          useFactory: (redis: RedisClient) => new ModelPublisher(redis, s.GNN_VERSION_GRACE_MS),
        },
        {
          provide: GNN_READER,
          inject: [REDIS],
          useFactory: (redis: RedisClient) => {
            const sources: UserHistorySource[] = [new GraphHistory(graph)];
            if (s.GNN_USE_FEATURE_STORE) sources.push(new FeatureStoreHistory(new FeatureStoreReader(redis)));
            return new GnnCandidateReader(redis, new MergedHistory(sources));
          },
        },
        GraphSync,
        GnnTrainer,
        ModelWatcher,
      ],
    };
  }
}
