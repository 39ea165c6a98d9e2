import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FeatureStoreReader } from '@offerstream/feature-store';
import { createRedis, loadRedisEnv, RedisKeys, type RedisClient } from '@offerstream/redis';
import { ModelPublisher } from '../model-store/model.publisher';
import { recommendForUser } from '../serving/artifact-recommend';
import { recommendFromEmbeddings } from '../serving/embedding-serving';
import { GnnCandidateReader } from '../serving/gnn-candidate.reader';
import { FeatureStoreHistory } from '../serving/user-history';
import type { GraphModelMethod } from '../worker/graph-model.types';
import { seededRandom } from '@offerstream/core';
import { trainGraphModel } from '../worker/train-graph-model';
import { generatedPairs, pairsFromFile } from './bench-pairs';

/** The Gowalla sample beside the repository (`../shared/datasets`), used when no --train file is given. */
export const GOWALLA_TRAIN = resolve(__dirname, '../../../../../shared/datasets/gowalla/train.txt');

export interface GnnServingBenchOptions {
  readonly trainPath?: string;
  readonly queries?: number;
  readonly topN?: number;
  readonly rank?: number;
  readonly method?: GraphModelMethod;
}

const progress = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stderr.write(`gnn-bench: ${msg} ${JSON.stringify(fields)}\n`);
};

/**
 * The service's own paths on Gowalla-sized data: refresh = train in the worker thread + publish every key of a
 * version to Redis + switch; candidates = GnnCandidateReader exactly as the endpoint uses it (active version
 * GET, user row HGET, feature-store read, in-memory item matrices of the version, graph-filter item-item term,
 * top-N). The raw ceiling is the brute-force dot-product top-N on the same matrices without Redis.
 */
export async function runGnnServingBenchmark(opts: GnnServingBenchOptions = {}): Promise<Record<string, unknown>> {
  const queries = opts.queries ?? 1000;
  const topN = opts.topN ?? 100;
  const rank = opts.rank ?? 64;
  const path = opts.trainPath ?? (existsSync(GOWALLA_TRAIN) ? GOWALLA_TRAIN : undefined);
  const pairs = path !== undefined ? await pairsFromFile(path) : generatedPairs(29_858, 40_981, 810_128);
  progress('data', { source: path ?? 'generated (Gowalla size)', interactions: pairs.length });

  const prefix = `bench-gnn-${randomBytes(4).toString('hex')}:`;
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: prefix }));
  try {
    const publisher = new ModelPublisher(redis, 0);
    const t0 = performance.now();
    const artifact = await trainGraphModel(pairs, { method: opts.method ?? 'graph-filter', rank }, (e) => {
      if (e['stage'] !== undefined && e['epoch'] === undefined) progress('training', e);
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const published = await publisher.publish(artifact, { pairs, trainSeconds });
    const refreshSeconds = (performance.now() - t0) / 1000;
    progress('published', { ...published, trainSeconds });

    const reader = new GnnCandidateReader(redis, new FeatureStoreHistory(new FeatureStoreReader(redis)));
    const l0 = performance.now();
    await reader.preload(published.version);
    const modelLoadMs = performance.now() - l0;

    const rnd = seededRandom(12345);
    const users = Array.from({ length: queries + 50 }, () => Math.floor(rnd() * artifact.userIds.length));
    const served: number[] = [];
    const compute: number[] = [];
    const raw: number[] = [];
    const { dims } = artifact;
    // The three measurements of a query run back to back, so load from other processes hits them alike.
    for (const [k, u] of users.entries()) {
      const t1 = performance.now();
      await reader.candidates(artifact.userIds[u] ?? '', topN);
      const t2 = performance.now();
      recommendForUser(artifact, { userIndex: u }, topN);
      const t3 = performance.now();
      const hist = artifact.normalized?.indices.subarray(
        artifact.normalized.indptr[u],
        artifact.normalized.indptr[u + 1],
      );
      recommendFromEmbeddings(
        artifact.userEmb.subarray(u * dims, (u + 1) * dims),
        artifact.itemEmb,
        dims,
        topN,
        new Set(hist),
      );
      const t4 = performance.now();
      if (k >= 50) {
        served.push(t2 - t1);
        compute.push(t3 - t2);
        raw.push(t4 - t3);
      }
    }
    const servedP99 = pct(served, 0.99);
    const rawP99 = pct(raw, 0.99);
    await cleanup(redis, published.version);
    return {
      candidates_p99_ms: servedP99,
      candidates_p50_ms: pct(served, 0.5),
      refresh_seconds: round(refreshSeconds, 1),
      train_seconds: round(trainSeconds, 1),
      publish_seconds: round(published.publishSeconds, 2),
      raw_ceiling_p99_ms: rawP99,
      raw_ceiling_p50_ms: pct(raw, 0.5),
      in_memory_full_score_p99_ms: pct(compute, 0.99),
      candidates_to_raw_p99_ratio: round(servedP99 / rawP99, 2),
      model_load_ms: round(modelLoadMs, 1),
      items: artifact.itemIds.length,
      users: artifact.userIds.length,
      interactions: pairs.length,
      dims,
      method: artifact.method,
      top_n: topN,
      queries,
      data: path ?? 'generated',
    };
  } finally {
    await redis.quit();
  }
}

function pct(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0, 3);
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

async function cleanup(redis: RedisClient, version: string): Promise<void> {
  await redis.unlink(
    RedisKeys.gnn.meta(version),
    RedisKeys.gnn.userEmbedding(version),
    RedisKeys.gnn.itemEmbedding(version),
    RedisKeys.gnn.itemIds(version),
    RedisKeys.gnn.foldIn(version),
    RedisKeys.gnn.normalized(version),
    RedisKeys.gnn.versions(),
    RedisKeys.gnn.versionSeq(),
    RedisKeys.gnn.activeVersion(),
  );
}
