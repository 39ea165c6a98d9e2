import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { GraphModelArtifact } from '../worker/graph-model.types';
import { encodeCsr, encodeUserRow, toBuffer } from './model-codec';

export interface PublishedVersion {
  readonly version: string;
  readonly seq: number;
  readonly publishedAt: number;
  readonly users: number;
  readonly items: number;
  readonly publishSeconds: number;
}

export interface PublishInfo {
  /** Training pairs the artifact was built from; give each known user's history to the serving side. */
  readonly pairs: readonly (readonly [string, string])[];
  readonly trainSeconds: number;
}

const USER_CHUNK = 1000;

/**
 * Writes a trained model under a new version's keys, then makes it active with one SET: readers resolve the
 * active version once per request and read only that version's keys, so they see the old model or the new one,
 * never a mix. Versions replaced longer than the grace period ago are deleted.
 */
export class ModelPublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(artifact: GraphModelArtifact, info: PublishInfo): Promise<PublishedVersion> {
    const started = performance.now();
    const seq = await this.redis.incr(RedisKeys.gnn.versionSeq());
    const version = `v${seq}`;
    // Registered before any key is written, so a publish that dies half-way is still found and cleaned up.
    await this.redis.zadd(RedisKeys.gnn.versions(), this.now(), version);
    const { dims } = artifact;
    const itemIndex = new Map(artifact.itemIds.map((id, i) => [id, i]));
    const userIndex = new Map(artifact.userIds.map((id, u) => [id, u]));
    const histories: number[][] = artifact.userIds.map(() => []);
    for (const [u, i] of info.pairs) {
      const ui = userIndex.get(u);
      const ii = itemIndex.get(i);
      if (ui !== undefined && ii !== undefined) histories[ui]?.push(ii);
    }
    const writes: Promise<unknown>[] = [
      this.redis.set(RedisKeys.gnn.itemIds(version), artifact.itemIds.join('\n')),
      this.redis.set(RedisKeys.gnn.itemEmbedding(version), toBuffer(artifact.itemEmb)),
      this.redis.set(RedisKeys.gnn.foldIn(version), toBuffer(artifact.foldInEmb)),
    ];
    if (artifact.normalized !== null) {
      writes.push(
        this.redis.set(RedisKeys.gnn.normalized(version), encodeCsr(artifact.userIds.length, artifact.normalized)),
      );
    }
    await Promise.all(writes);
    const usersKey = RedisKeys.gnn.userEmbedding(version);
    for (let s = 0; s < artifact.userIds.length; s += USER_CHUNK) {
      const fields: (string | Buffer)[] = [];
      for (let u = s; u < Math.min(s + USER_CHUNK, artifact.userIds.length); u++) {
        fields.push(
          artifact.userIds[u] ?? '',
          encodeUserRow(artifact.userEmb.subarray(u * dims, (u + 1) * dims), histories[u] ?? []),
        );
      }
      await this.redis.hset(usersKey, ...fields);
    }
    const publishedAt = this.now();
    await this.redis.hset(RedisKeys.gnn.meta(version), {
      version,
      seq: String(seq),
      method: artifact.method,
      dims: String(dims),
      users: String(artifact.userIds.length),
      items: String(artifact.itemIds.length),
      foldInMode: artifact.foldInMode,
      normalized: artifact.normalized !== null ? '1' : '0',
      interactions: String(info.pairs.length),
      trainSeconds: String(info.trainSeconds),
      publishedAt: String(publishedAt),
      metrics: JSON.stringify(artifact.metrics),
    });
    // The switch: one command, after every key of the version exists.
    await this.redis.set(RedisKeys.gnn.activeVersion(), version);
    await this.redis.zadd(RedisKeys.gnn.versions(), publishedAt, version);
    await this.deleteRetired();
    return {
      version,
      seq,
      publishedAt,
      users: artifact.userIds.length,
      items: artifact.itemIds.length,
      publishSeconds: (performance.now() - started) / 1000,
    };
  }

  /** When the active version was published (by any instance), or null before the first publish. */
  async activePublishedAt(): Promise<number | null> {
    const active = await this.redis.get(RedisKeys.gnn.activeVersion());
    if (active === null) return null;
    return Number((await this.redis.hget(RedisKeys.gnn.meta(active), 'publishedAt')) ?? 0);
  }

  /**
   * Deletes versions that were replaced more than the grace period ago (a version is replaced when the next one
   * is registered); the active version is never deleted. Returns the deleted versions.
   */
  async deleteRetired(): Promise<string[]> {
    const [listed, active] = await Promise.all([
      this.redis.zrange(RedisKeys.gnn.versions(), 0, -1, 'WITHSCORES'),
      this.redis.get(RedisKeys.gnn.activeVersion()),
    ]);
    const versions: { v: string; at: number }[] = [];
    for (let k = 0; k + 1 < listed.length; k += 2) versions.push({ v: listed[k] ?? '', at: Number(listed[k + 1]) });
    const now = this.now();
    const deleted: string[] = [];
    for (let k = 0; k + 1 < versions.length; k++) {
      const { v } = versions[k] ?? { v: '' };
      const replacedAt = versions[k + 1]?.at ?? now;
      if (v === active || now - replacedAt < this.graceMs) continue;
      await this.redis.unlink(
        RedisKeys.gnn.meta(v),
        RedisKeys.gnn.userEmbedding(v),
        RedisKeys.gnn.itemEmbedding(v),
        RedisKeys.gnn.itemIds(v),
        RedisKeys.gnn.foldIn(v),
        RedisKeys.gnn.normalized(v),
      );
      await this.redis.zrem(RedisKeys.gnn.versions(), v);
      deleted.push(v);
    }
    return deleted;
  }
}
