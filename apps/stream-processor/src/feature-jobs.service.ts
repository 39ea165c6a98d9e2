import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, type Logger } from '@offerstream/core';
import {
  CategoryIndexRefresher,
  ContentNeighbourRefresher,
  NeighbourRefresher,
  SegmentJob,
} from '@offerstream/feature-store';
import type { RedisClient } from '@offerstream/redis';
import { REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { STREAM_CONFIG } from './stream-processor.tokens';
import type { StreamProcessorConfig } from './stream-processor.config';

/**
 * Timers for the work kept off the hot path: neighbour lists, content neighbours, the shop's category index (search
 * and review text to categories), user segmentation.
 */
@Injectable()
export class FeatureJobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tasks: PeriodicTask[] = [];
  private readonly owner = randomUUID();

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(STREAM_CONFIG) private readonly config: StreamProcessorConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.service.JOBS_ENABLED) return;
    const f = this.config.features;
    const nbr = new NeighbourRefresher(this.redis, f);
    const content = new ContentNeighbourRefresher(this.redis, f);
    const categories = new CategoryIndexRefresher(this.redis, f.categoryIndex);
    const segments = new SegmentJob(this.redis, f, this.config.redis.REDIS_KEY_PREFIX);
    this.every('neighbours', f.neighbourRefreshMs, () => nbr.refreshDirty(2000));
    this.every('content-neighbours', f.neighbourRefreshMs, () => content.refreshDirty(500));
    this.every('category-index', f.categoryIndex.refreshMs, () => categories.rebuild());
    this.every('segments', Math.min(f.segmentIntervalMs, 60_000), async () => {
      const model = await segments.runIfDue(this.owner);
      if (model)
        this.logger.info('user segments trained', { version: model.version, k: model.k, sample: model.sampleSize });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.stop()));
  }

  private every(name: string, ms: number, work: () => Promise<unknown>): void {
    const task = new PeriodicTask(`feature job ${name}`, ms, work, this.logger);
    task.start();
    this.tasks.push(task);
  }
}
