import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { readTextModelManifest, TextScoringPool } from '@offerstream/nlp';
import { HEALTH_REGISTRY, SERVICE_LOGGER, type HealthRegistry } from '@offerstream/platform';
import type { NlpWorkerConfig } from './nlp-worker.config';
import { NLP_CONFIG, NLP_POOL } from './nlp-worker.tokens';

export interface ScoringPoolHandle {
  readonly pool: TextScoringPool;
  /** e.g. `sentiment@1.1.0+category@1.1.0`, stamped on every signal. */
  readonly modelVersion: string;
}

/**
 * Starts the worker threads and loads the models before the consumer starts; a missing or broken model stops
 * the boot. Readiness reports the model as loaded while at least one worker is alive.
 */
export const scoringPoolProvider: Provider = {
  provide: NLP_POOL,
  inject: [NLP_CONFIG, SERVICE_LOGGER, HEALTH_REGISTRY],
  useFactory: async (config: NlpWorkerConfig, logger: Logger, health: HealthRegistry): Promise<ScoringPoolHandle> => {
    const dir = config.service.NLP_MODEL_DIR;
    const dirs = { sentimentDir: join(dir, 'sentiment'), categoryDir: join(dir, 'category') };
    const sentiment = readTextModelManifest(dirs.sentimentDir);
    const category = readTextModelManifest(dirs.categoryDir);
    const started = Date.now();
    const pool = await TextScoringPool.start({
      ...dirs,
      workers: config.service.NLP_POOL_SIZE,
      maxQueue: config.service.NLP_POOL_MAX_QUEUE,
    });
    const modelVersion = `sentiment@${sentiment.version}+category@${category.version}`;
    logger.info('nlp models loaded', {
      backend: pool.backend,
      workers: pool.size,
      modelVersion,
      loadMs: Date.now() - started,
    });
    health.register('model', async () => {
      if (pool.size === 0) throw new Error('no scoring worker alive');
    });
    return { pool, modelVersion };
  },
};
