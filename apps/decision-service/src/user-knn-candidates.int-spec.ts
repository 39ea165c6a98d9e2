import type { ClickstreamEvent } from '@offerstream/contracts';
import { encodeFloat16Vector } from '@offerstream/core';
import { UserKnnCandidateSource } from '@offerstream/decision';
import {
  ClickstreamWriter,
  FeatureStoreReader,
  hyperplaneLsh,
  loadFeatureStoreConfig,
  lshBuckets,
  lshLayout,
  NearestUsersReader,
  type PartitionEvent,
} from '@offerstream/feature-store';
import { RedisKeys } from '@offerstream/redis';
import { isolatedEnv, type IsolatedEnv } from '@offerstream/testing';

const cfg = loadFeatureStoreConfig({ FS_USER_INDEX_TABLES: '8' });
const DIMS = cfg.vectorDims;
const T0 = Date.UTC(2026, 5, 1);

/** A unit content vector along one axis, so users of one axis are exactly orthogonal to users of another. */
const axis = (i: number): Float32Array => {
  const v = new Float32Array(DIMS);
  v[i] = 1;
  return v;
};

// With the app that reads the index (the stream processor writes it): a library test importing
// @offerstream/testing would tie the shared libraries to feature-store and decision.
describe('the nearest-user index on a real Redis', () => {
  let ctx: IsolatedEnv;
  let offset = 0;

  beforeEach(async () => {
    ctx = await isolatedEnv();
    offset = 0;
    // Items a* point one way, b* another.
    for (const [id, v] of [
      ['a1', axis(0)],
      ['a2', axis(0)],
      ['a3', axis(0)],
      ['b1', axis(1)],
      ['b2', axis(1)],
    ] as const) {
      await ctx.redis.set(RedisKeys.item.contentVector(id), encodeFloat16Vector(v));
    }
  });

  afterEach(async () => {
    await ctx.close();
  });

  function views(pairs: readonly (readonly [string, string])[]): PartitionEvent[] {
    return pairs.map(([userId, itemId]) => {
      const event: ClickstreamEvent = {
        eventId: `e${offset}`,
        schemaVersion: '1.0',
        occurredAt: new Date(T0 + offset * 1000).toISOString(),
        producer: 'test',
        userId,
        type: 'product_view',
        payload: { itemId },
      };
      return { offset: String(offset++), event, bytes: 200 };
    });
  }

  async function membership(userId: string, vector: Float32Array | null): Promise<number> {
    const lsh = hyperplaneLsh(DIMS, cfg.userIndex.tables, cfg.userIndex.bits, cfg.userIndex.seed);
    const buckets = lshBuckets(lsh, vector) ?? [];
    const scores = await Promise.all(
      buckets.map((b, t) => ctx.redis.zscore(RedisKeys.userIndexBucket(lshLayout(lsh), t, b), userId)),
    );
    return scores.filter((s) => s !== null).length;
  }

  it('finds users by their vectors and offers their recent items as candidates', async () => {
    const writer = new ClickstreamWriter(ctx.redis, cfg);
    await writer.applyBatch(
      0,
      views([
        ['alice', 'a1'],
        ['alice', 'a2'],
        ['ann', 'a2'],
        ['ann', 'a3'],
        ['bob', 'b1'],
        ['bob', 'b2'],
      ]),
    );
    const nearest = new NearestUsersReader(ctx.redis, cfg);

    const near = await nearest.nearestTo('alice');
    expect(near.map((n) => n.userId)).toEqual(['ann']);
    expect(near[0]?.similarity).toBeCloseTo(1, 3);

    const candidates = await new UserKnnCandidateSource(nearest, 10).candidates('alice', 10);
    expect(candidates.map((c) => c.itemId)).toEqual(['a3', 'a2']);
    expect(await new UserKnnCandidateSource(nearest, 10).candidates('nobody', 10)).toEqual([]);
  });

  it('moves a user between buckets as their vector changes, and forgets an erased user', async () => {
    const writer = new ClickstreamWriter(ctx.redis, cfg);
    const reader = new FeatureStoreReader(ctx.redis, cfg);
    const nearest = new NearestUsersReader(ctx.redis, cfg);
    await writer.applyBatch(
      0,
      views([
        ['alice', 'a1'],
        ['bob', 'b1'],
        ['bob', 'b2'],
      ]),
    );
    const before = (await reader.getUserState('bob'))?.vector ?? null;
    expect(await membership('bob', before)).toBe(cfg.userIndex.tables);
    expect((await nearest.nearestTo('alice')).map((n) => n.userId)).toEqual([]);

    // Bob turns to the a* items: his vector swings towards alice's and the index follows.
    const turn: [string, string][] = [];
    for (let r = 0; r < 4; r++) turn.push(['bob', 'a1'], ['bob', 'a2'], ['bob', 'a3']);
    const stats = await writer.applyBatch(0, views(turn));
    expect(stats.indexErrors).toBe(0);
    const after = (await reader.getUserState('bob'))?.vector ?? null;
    const moved = lshBuckets(hyperplaneLsh(DIMS, cfg.userIndex.tables, cfg.userIndex.bits, cfg.userIndex.seed), after);
    const stayed = lshBuckets(
      hyperplaneLsh(DIMS, cfg.userIndex.tables, cfg.userIndex.bits, cfg.userIndex.seed),
      before,
    );
    const unchanged = (moved ?? []).filter((b, t) => b === stayed?.[t]).length;
    expect(await membership('bob', after)).toBe(cfg.userIndex.tables);
    // Out of every old bucket he left (the ones he kept still hold him).
    expect(await membership('bob', before)).toBe(unchanged);
    expect(unchanged).toBeLessThan(cfg.userIndex.tables);
    const near = await nearest.nearestTo('alice');
    expect(near.map((n) => n.userId)).toEqual(['bob']);

    await writer.eraseUser('bob', cfg.erasureTombstoneTtlMs);
    expect(await membership('bob', after)).toBe(0);
    expect(await nearest.nearestTo('alice')).toEqual([]);
  });
});
