import type { Redis } from 'ioredis';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeUserState } from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import { encodeSegmentModel, kmeans, type SegmentModel } from '../rules/kmeans';
import { normalizeInPlace } from '../rules/vector-math';

/**
 * Periodic user segmentation: k-means over a sample of user vectors, stored as one model (centroids) that the
 * reader assigns users to at read time, so no per-user key is written and segments never go stale per user.
 * One instance at a time (a lock key with expiry); runs on a timer, never inside a batch.
 */
export class SegmentJob {
  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
    private readonly keyPrefix: string,
  ) {}

  async runIfDue(owner: string): Promise<SegmentModel | null> {
    const got = await this.redis.set(RedisKeys.segmentLock(), owner, 'PX', this.cfg.segmentIntervalMs, 'NX');
    if (got !== 'OK') return null;
    return this.run();
  }

  async run(): Promise<SegmentModel | null> {
    const points = await this.sample();
    if (points.length < this.cfg.segmentK) return null;
    const res = kmeans(points, this.cfg.segmentK, { seed: 11, maxIter: 30 });
    const prev = await this.redis.hget(RedisKeys.segments(), 'version');
    const model: SegmentModel = {
      version: Number(prev ?? 0) + 1,
      dims: this.cfg.vectorDims,
      k: res.centroids.length,
      centroids: res.centroids,
      sizes: res.sizes,
      trainedAt: Date.now(),
      sampleSize: points.length,
    };
    await this.redis.multi().del(RedisKeys.segments()).hset(RedisKeys.segments(), encodeSegmentModel(model)).exec();
    return model;
  }

  /** SCANs user blobs (SCAN takes the full pattern; ioredis does not prefix it) until the sample is full. */
  private async sample(): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const pattern = this.keyPrefix + RedisKeys.userProfilePattern();
    const node = this.redis as Redis;
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const blobs = await Promise.all(keys.map((k) => this.redis.getBuffer(k.slice(this.keyPrefix.length))));
      for (const b of blobs) {
        if (!b) continue;
        const v = decodeUserState(b).vector;
        if (v && v.length === this.cfg.vectorDims) out.push(normalizeInPlace(Float32Array.from(v)));
        if (out.length >= this.cfg.segmentSample) return out;
      }
    } while (cursor !== '0');
    return out;
  }
}
