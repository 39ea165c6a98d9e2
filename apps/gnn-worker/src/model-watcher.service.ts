import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { SERVICE_LOGGER } from '@offerstream/platform';
import type { GnnCandidateReader, ServingModel } from '@offerstream/recsys';
import type { GnnWorkerConfig } from './gnn-worker.config';
import type { GnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_METRICS, GNN_READER } from './gnn-worker.tokens';

export interface LoadedModel {
  readonly version: string;
  readonly method: string;
  readonly users: number;
  readonly items: number;
  readonly dims: number;
  readonly interactions: number;
  readonly publishedAt: string;
  readonly ageSeconds: number;
  readonly trainSeconds: number;
}

/**
 * Follows the active version (whoever published it), loads its item side before requests need it, and keeps
 * the model gauges current on every instance.
 */
@Injectable()
export class ModelWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private current: ServingModel | undefined;
  private busy = false;

  constructor(
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GNN_CONFIG) private readonly config: GnnWorkerConfig,
    @Inject(GNN_READER) private readonly reader: GnnCandidateReader,
    @Inject(GNN_METRICS) private readonly metrics: GnnMetrics,
  ) {
    this.log = logger.child({ component: 'model-watcher' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.metrics.modelLoaded.set(0);
    this.metrics.modelVersion.set(0);
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.config.service.GNN_VERSION_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }

  loaded(): LoadedModel | null {
    const m = this.current;
    if (m === undefined) return null;
    return {
      version: m.version,
      method: m.method,
      users: m.numUsers,
      items: m.itemIds.length,
      dims: m.dims,
      interactions: m.interactions,
      publishedAt: new Date(m.publishedAt).toISOString(),
      ageSeconds: (Date.now() - m.publishedAt) / 1000,
      trainSeconds: m.trainSeconds,
    };
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const version = await this.reader.activeVersion();
      if (version === null || version === this.current?.version) return;
      const model = await this.reader.preload(version);
      this.current = model;
      this.metrics.modelVersion.set(model.seq);
      this.metrics.modelPublishedAt.set(model.publishedAt / 1000);
      this.metrics.trainingSeconds.set(model.trainSeconds);
      this.metrics.modelLoaded.set(1);
      this.log.info('model version loaded', { version, items: model.itemIds.length, users: model.numUsers });
    } catch (e) {
      this.log.warn('loading the active model version failed; retrying', { error: e });
    } finally {
      this.busy = false;
    }
  }
}
