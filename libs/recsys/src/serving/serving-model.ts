import { OfferStreamError } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeCsr, toFloat32 } from '../model-store/model-codec';
import type { NormalizedInteractions } from '../worker/graph-model.types';

/** The item side of one published version, held in memory: immutable, so one copy serves every request. */
export interface ServingModel {
  readonly version: string;
  readonly seq: number;
  readonly method: string;
  readonly dims: number;
  readonly numUsers: number;
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly itemEmb: Float32Array;
  readonly foldInEmb: Float32Array;
  readonly foldInMode: 'mean' | 'sum';
  readonly normalized: NormalizedInteractions | null;
  readonly publishedAt: number;
  readonly trainSeconds: number;
  readonly interactions: number;
}

/** The version's keys are gone (deleted after its grace period) or were never completely written. */
export class VersionGoneError extends OfferStreamError {
  constructor(version: string) {
    super('GNN_VERSION_GONE', `model version ${version} is no longer in Redis`, {
      retriable: true,
      context: { version },
    });
  }
}

export async function loadServingModel(redis: RedisClient, version: string): Promise<ServingModel> {
  const [meta, ids, items, foldIn, norm] = await Promise.all([
    redis.hgetall(RedisKeys.gnn.meta(version)),
    redis.get(RedisKeys.gnn.itemIds(version)),
    redis.getBuffer(RedisKeys.gnn.itemEmbedding(version)),
    redis.getBuffer(RedisKeys.gnn.foldIn(version)),
    redis.getBuffer(RedisKeys.gnn.normalized(version)),
  ]);
  if (meta['dims'] === undefined || ids === null || items === null || foldIn === null)
    throw new VersionGoneError(version);
  if (meta['normalized'] === '1' && norm === null) throw new VersionGoneError(version);
  const dims = Number(meta['dims']);
  const itemIds = ids.split('\n');
  const itemEmb = toFloat32(items);
  if (itemEmb.length !== itemIds.length * dims) throw new VersionGoneError(version);
  return {
    version,
    seq: Number(meta['seq'] ?? 0),
    method: meta['method'] ?? 'unknown',
    dims,
    numUsers: Number(meta['users'] ?? 0),
    itemIds,
    itemIndex: new Map(itemIds.map((id, i) => [id, i])),
    itemEmb,
    foldInEmb: toFloat32(foldIn),
    foldInMode: meta['foldInMode'] === 'sum' ? 'sum' : 'mean',
    normalized: meta['normalized'] === '1' && norm !== null ? decodeCsr(norm).m : null,
    publishedAt: Number(meta['publishedAt'] ?? 0),
    trainSeconds: Number(meta['trainSeconds'] ?? 0),
    interactions: Number(meta['interactions'] ?? 0),
  };
}

/**
 * Item matrices by version, loaded once (concurrent requests for a version share one load) and kept for the
 * newest few versions, so requests that resolved the previous version just before a switch still finish on it.
 */
export class ServingModelCache {
  private readonly entries = new Map<string, Promise<ServingModel>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly maxVersions = 2,
  ) {}

  get(version: string): Promise<ServingModel> {
    const hit = this.entries.get(version);
    if (hit !== undefined) return hit;
    const loading = loadServingModel(this.redis, version);
    this.entries.set(version, loading);
    loading.catch(() => this.entries.delete(version));
    while (this.entries.size > this.maxVersions) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return loading;
  }

  cached(): string[] {
    return [...this.entries.keys()];
  }
}
