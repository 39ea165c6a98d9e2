import type { Redis } from 'ioredis';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeUserState } from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import { toUserProfile, type UserProfile } from '../feature-store.reader';
import { retrainClusters } from '../rules/centroid-matching';
import { decodeSegmentModel, encodeSegmentModel, type SegmentModel } from '../rules/kmeans';
import { ruleSegmentsOf } from '../rules/rule-segment';
import { describeGroups, profileFacts, type SegmentFigures } from '../rules/segment-description';
import { normalizeInPlace } from '../rules/vector-math';
import { SegmentDefinitionStore } from '../store/segment-definition.store';

/**
 * Periodic user segmentation: k-means over a sample of user vectors, stored as one model (centroids) that the
 * reader assigns users to at read time, so no per-user key is written and segments never go stale per user.
 * Each run starts from the previous centroids and takes over their stable ids by matching centroids, describes
 * every cluster by the readable features it differs most on, and counts each rule segment on the same sample.
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
    const sample = await this.sample();
    if (sample.length < this.cfg.segmentK) return null;
    const [raw, rules] = await Promise.all([
      this.redis.hgetallBuffer(RedisKeys.segments()),
      new SegmentDefinitionStore(this.redis).listRules(),
    ]);
    const prev = Object.keys(raw).length > 0 ? decodeSegmentModel(raw) : null;
    const points = sample.map((s) => s.point);
    const res = retrainClusters(points, this.cfg.segmentK, prev);
    const { ids, nextId } = res;
    const now = Date.now();
    const facts = sample.map((s) => profileFacts(s.profile, now));
    const top = describeGroups(facts, (i) => res.assignments[i] ?? 0, res.centroids.length);
    const clusters = res.sizes.map((size, c) => ({
      ...figures(sample.filter((_, i) => res.assignments[i] === c)),
      size,
      top: top[c] ?? [],
    }));
    const members = new Map<string, UserProfile[]>(rules.map((r) => [r.id, []]));
    sample.forEach((s, i) => {
      s.profile.segment = ids[res.assignments[i] ?? 0] ?? null;
      for (const id of ruleSegmentsOf(s.profile, rules, now)) members.get(id)?.push(s.profile);
    });
    const model: SegmentModel = {
      version: (prev?.version ?? 0) + 1,
      dims: this.cfg.vectorDims,
      k: res.centroids.length,
      centroids: res.centroids,
      sizes: res.sizes,
      trainedAt: now,
      sampleSize: points.length,
      ids,
      nextId,
      clusters,
      rules: Object.fromEntries([...members].map(([id, ps]) => [id, figures(ps.map((profile) => ({ profile })))])),
    };
    await this.redis.multi().del(RedisKeys.segments()).hset(RedisKeys.segments(), encodeSegmentModel(model)).exec();
    return model;
  }

  /** SCANs user blobs (SCAN takes the full pattern; ioredis does not prefix it) until the sample is full. */
  private async sample(): Promise<{ point: Float32Array; profile: UserProfile }[]> {
    const out: { point: Float32Array; profile: UserProfile }[] = [];
    const now = Date.now();
    const pattern = this.keyPrefix + RedisKeys.userProfilePattern();
    const node = this.redis as Redis;
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const blobs = await Promise.all(keys.map((k) => this.redis.getBuffer(k.slice(this.keyPrefix.length))));
      for (const b of blobs) {
        if (!b) continue;
        const state = decodeUserState(b);
        const v = state.vector;
        if (v && v.length === this.cfg.vectorDims)
          out.push({
            point: normalizeInPlace(Float32Array.from(v)),
            profile: toUserProfile('', state, this.cfg, now, null),
          });
        if (out.length >= this.cfg.segmentSample) return out;
      }
    } while (cursor !== '0');
    return out;
  }
}

/** Size and share of buyers of a group of sampled users. */
function figures(group: readonly { profile: UserProfile }[]): SegmentFigures {
  const buyers = group.filter((g) => g.profile.rfm.frequency > 0).length;
  return { size: group.length, buyerShare: group.length > 0 ? Math.round((buyers / group.length) * 1000) / 1000 : 0 };
}
