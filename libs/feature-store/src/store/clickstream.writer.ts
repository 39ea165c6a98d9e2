import { join } from 'node:path';
import type { ClickstreamEvent } from '@offerstream/contracts';
import { TransientError, ValidationError } from '@offerstream/core';
import { keyGroupsPerCall, loadLuaScripts, RedisKeys, runLua, type LuaArg, type RedisClient } from '@offerstream/redis';
import {
  decodeUserState,
  emptyUserState,
  encodeUserState,
  versionToken,
  type UserState,
} from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import { addItemDeltas, emptyItemDeltas, type ItemDeltas } from '../rules/item-deltas';
import { applyUserEvent, mergeUserStates, type ItemInfo } from '../rules/user-profile.rules';
import { ItemAggregatesWriter } from './item-aggregates.writer';
import { ItemInfoCache } from './item-info.cache';
import { UserIndexWriter } from './user-index.writer';

export interface PartitionEvent {
  offset: string;
  event: ClickstreamEvent;
  /** Size of the raw message, for the oversize check. */
  bytes: number;
}

export interface Rejection {
  index: number;
  error: ValidationError;
}

/**
 * Called with the batch's rejections once they are known and before anything is written (again before each
 * compare-and-set retry that judged more events). The consumer dead-letters them there, so a crash between the
 * state write (which moves the watermark past them) and the dead-letter send cannot lose them.
 */
export type BeforeWrite = (rejected: readonly Rejection[]) => Promise<void>;

export interface BatchStats {
  applied: number;
  skipped: number;
  rejected: Rejection[];
  users: number;
  casRetries: number;
  /** Users whose events were dropped because the user was erased (tombstone). */
  erased: number;
  /** Nearest-user index writes that failed (the state is written; the index heals at the user's next active day). */
  indexErrors: number;
}

const MAX_CAS_ATTEMPTS = 8;
/** Users per read (MGET) and per compare-and-set script call on a standalone Redis. */
const USERS_PER_CALL = 256;

interface Computed {
  changed: boolean;
  expected: Buffer | '';
  state: UserState;
  mergedNow: string[];
  /** The vector and state time as read, for the nearest-user index. */
  vectorBefore: Float32Array | null;
  updatedBefore: number;
}

interface UserWork {
  key: string;
  events: { index: number; offset: number; event: ClickstreamEvent }[];
  blob: Buffer | null;
}

/**
 * Applies one partition's batch of clickstream events to Redis, effectively once:
 *   1. one pipelined read of the users' state blobs (with their offset watermarks) and of catalog facts;
 *   2. the pure rules run per user over the events above the user's watermark;
 *   3. item-side increments (rankings, co-occurrence) go first, each guarded per (key group, partition, offset);
 *   4. then each user's new blob is written by compare-and-set; a lost race re-reads and re-applies.
 * Item increments land before the user's watermark moves, so a crash between 3 and 4 replays events whose
 * item increments are skipped by their own watermarks while the user side is applied: nothing twice, nothing lost.
 */
export class ClickstreamWriter {
  private readonly items: ItemInfoCache;
  private readonly aggregates: ItemAggregatesWriter;
  private readonly userIndex: UserIndexWriter;

  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {
    this.items = new ItemInfoCache(redis, cfg.itemCacheSize, cfg.itemCacheTtlMs);
    this.aggregates = new ItemAggregatesWriter(redis, cfg);
    this.userIndex = new UserIndexWriter(redis, cfg);
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  get itemCache(): ItemInfoCache {
    return this.items;
  }

  async applyBatch(
    partition: number,
    events: readonly PartitionEvent[],
    beforeWrite?: BeforeWrite,
  ): Promise<BatchStats> {
    const stats: BatchStats = {
      applied: 0,
      skipped: 0,
      rejected: [],
      users: 0,
      casRetries: 0,
      erased: 0,
      indexErrors: 0,
    };
    const byUser = new Map<string, UserWork>();
    const itemIds = new Set<string>();
    const merges = new Map<string, string>();
    events.forEach((pe, index) => {
      if (pe.bytes > this.cfg.maxEventBytes) {
        stats.rejected.push({
          index,
          error: new ValidationError(`event is ${pe.bytes} bytes, over FS_MAX_EVENT_BYTES=${this.cfg.maxEventBytes}`, {
            kind: 'OVERSIZE',
          }),
        });
        return;
      }
      const e = pe.event;
      const key = e.userId ?? e.anonymousId ?? '';
      let w = byUser.get(key);
      if (!w) {
        w = { key, events: [], blob: null };
        byUser.set(key, w);
      }
      w.events.push({ index, offset: Number(pe.offset), event: e });
      for (const id of itemsOf(e)) itemIds.add(id);
      if (e.userId !== undefined && e.anonymousId !== undefined && e.anonymousId !== e.userId)
        merges.set(e.anonymousId, e.userId);
    });
    const users = [...byUser.values()];
    stats.users = users.length;

    const [blobs, info, anonBlobs] = await Promise.all([
      this.readBlobs(users.map((u) => u.key)),
      this.items.load(itemIds),
      this.readBlobs([...merges.keys()]),
    ]).catch((e: unknown) => {
      throw new TransientError('REDIS_READ_FAILED', 'could not read user state', e, { partition });
    });
    users.forEach((u, i) => (u.blob = blobs[i] ?? null));
    const anonStates = new Map<string, UserState>();
    [...merges.keys()].forEach((anon, i) => {
      const b = anonBlobs[i];
      if (b) anonStates.set(anon, decodeUserState(b));
    });
    const lookup = (id: string): ItemInfo | undefined => info.get(id);

    const deltas = emptyItemDeltas();
    const computed = users.map((u) => this.compute(u, partition, lookup, anonStates, deltas, stats));
    if (beforeWrite && stats.rejected.length > 0) await beforeWrite(stats.rejected);
    const first = Number(events[0]?.offset ?? 0);
    const last = Number(events[events.length - 1]?.offset ?? 0);
    await this.aggregates.apply(partition, first, last, deltas).catch((e: unknown) => {
      throw new TransientError('REDIS_WRITE_FAILED', 'could not apply item aggregates', e, { partition });
    });

    const written = await this.writeUsers(users, computed, partition, lookup, anonStates, stats, beforeWrite);
    // After the states are durable: the index follows the vectors that were written, never ones that lost a race.
    const moved = written.flatMap((c, i) =>
      c?.changed
        ? [
            {
              userId: users[i]?.key ?? '',
              before: c.vectorBefore,
              beforeAt: c.updatedBefore,
              after: c.state.vector,
              afterAt: c.state.updatedAt,
            },
          ]
        : [],
    );
    await this.userIndex.update(moved).catch(() => void (stats.indexErrors += 1));
    // Merge bookkeeping runs after the user's blob (which records the merge) is durable; repeating it is harmless.
    const followUps: Promise<unknown>[] = [];
    for (const r of written) {
      for (const anon of r?.mergedNow ?? []) {
        const user = merges.get(anon);
        if (!user) continue;
        followUps.push(this.redis.set(RedisKeys.alias(anon), user, 'PX', this.cfg.userTtlMs));
        followUps.push(this.redis.del(RedisKeys.user.profile(anon)));
      }
    }
    await Promise.all(followUps);
    return stats;
  }

  private compute(
    u: UserWork,
    partition: number,
    lookup: (id: string) => ItemInfo | undefined,
    anonStates: Map<string, UserState>,
    deltas: ItemDeltas,
    stats: BatchStats,
  ): Computed {
    const first = u.events[0]?.event;
    const state = u.blob
      ? decodeUserState(u.blob)
      : emptyUserState(this.cfg.priceBands.length + 1, first?.userId === undefined);
    const expected: Buffer | '' = u.blob ? versionToken(state.version) : '';
    // The rules replace the vector array rather than write into it, so this keeps the stored one.
    const vectorBefore = u.blob ? state.vector : null;
    const updatedBefore = state.updatedAt;
    const wm = state.watermarks.get(partition) ?? -1;
    let changed = false;
    const mergedNow: string[] = [];
    for (const { index, offset, event } of u.events) {
      if (offset <= wm) {
        stats.skipped++;
        continue;
      }
      const anon = event.anonymousId;
      if (event.userId !== undefined && anon !== undefined && anon !== event.userId && !state.merged.includes(anon)) {
        const from = anonStates.get(anon);
        if (from) {
          mergeUserStates(state, from, anon, this.cfg);
          mergedNow.push(anon);
          changed = true;
        }
      }
      const r = applyUserEvent(state, event, partition, offset, lookup, this.cfg);
      // A rejected event still moves the watermark, so that it is not re-judged after a replay.
      state.watermarks.set(partition, offset);
      changed = true;
      if (!r.ok) {
        stats.rejected.push({ index, error: new ValidationError(r.reason, { kind: r.code, offset }) });
        continue;
      }
      stats.applied++;
      addItemDeltas(deltas, offset, r.touches, this.cfg);
    }
    state.version = (state.version + 1) >>> 0;
    return { changed, expected, state, mergedNow, vectorBefore, updatedBefore };
  }

  /**
   * Compare-and-set of every changed user: one script call per chunk of users (one per user on a Cluster). A lost
   * race re-reads that user and re-applies its events above the stored watermark.
   */
  private async writeUsers(
    users: UserWork[],
    computed: Computed[],
    partition: number,
    lookup: (id: string) => ItemInfo | undefined,
    anonStates: Map<string, UserState>,
    stats: BatchStats,
    beforeWrite: BeforeWrite | undefined,
  ): Promise<(Computed | undefined)[]> {
    const done: (Computed | undefined)[] = computed.map((c) => (c.changed ? undefined : c));
    let pending = users.map((_, i) => i).filter((i) => computed[i]?.changed);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_CAS_ATTEMPTS) {
        throw new TransientError('USER_STATE_CONTENDED', `user state kept changing under us`, undefined, {
          users: pending.length,
        });
      }
      const ok = await this.cas(pending.map((i) => ({ key: users[i]?.key ?? '', c: computed[i] as Computed })));
      const lost: number[] = [];
      pending.forEach((i, j) => {
        if (ok[j] === 'written') done[i] = computed[i];
        else if (ok[j] === 'lost') lost.push(i);
        else stats.erased++; // dropped: no merge follow-ups for a forgotten user
      });
      if (lost.length === 0) break;
      stats.casRetries += lost.length;
      const blobs = await this.readBlobs(lost.map((i) => users[i]?.key ?? ''));
      pending = [];
      const judged = new Set(stats.rejected.map((r) => r.index));
      const again: Rejection[] = [];
      lost.forEach((i, j) => {
        const u = users[i];
        if (!u) return;
        u.blob = blobs[j] ?? null;
        // Item increments of this batch are already durable; recomputing only brings the user side forward.
        const retry: BatchStats = { ...stats, rejected: [] };
        const c = this.compute(u, partition, lookup, anonStates, emptyItemDeltas(), retry);
        // The state another writer left may judge an event differently; a rejection not yet reported is new.
        for (const r of retry.rejected) if (!judged.has(r.index)) again.push(r);
        computed[i] = c;
        if (c.changed) pending.push(i);
        else done[i] = c;
      });
      if (again.length > 0) {
        stats.rejected.push(...again);
        if (beforeWrite) await beforeWrite(again);
      }
    }
    return done;
  }

  private async readBlobs(keys: readonly string[]): Promise<(Buffer | null)[]> {
    if (this.redis.isCluster) return Promise.all(keys.map((k) => this.redis.getBuffer(RedisKeys.user.profile(k))));
    const calls: Promise<(Buffer | null)[]>[] = [];
    for (let i = 0; i < keys.length; i += USERS_PER_CALL) {
      calls.push(this.redis.mgetBuffer(keys.slice(i, i + USERS_PER_CALL).map((k) => RedisKeys.user.profile(k))));
    }
    return (await Promise.all(calls)).flat();
  }

  private async cas(writes: readonly { key: string; c: Computed }[]): Promise<('written' | 'lost' | 'erased')[]> {
    const chunk = keyGroupsPerCall(this.redis, USERS_PER_CALL);
    const calls: Promise<number[]>[] = [];
    for (let i = 0; i < writes.length; i += chunk) {
      const part = writes.slice(i, i + chunk);
      const args: LuaArg[] = [];
      for (const { c } of part)
        args.push(c.expected, encodeUserState(c.state), c.state.anonymous ? this.cfg.anonTtlMs : this.cfg.userTtlMs);
      calls.push(
        runLua<number[]>(
          this.redis,
          'putUserStates',
          part.flatMap((w) => [RedisKeys.user.profile(w.key), RedisKeys.user.erased(w.key)]),
          args,
        ),
      );
    }
    const results = await Promise.all(calls).catch((e: unknown) => {
      throw new TransientError('REDIS_WRITE_FAILED', 'could not write user state', e, { users: writes.length });
    });
    return results.flat().map((r) => (r === 1 ? 'written' : r === 2 ? 'erased' : 'lost'));
  }

  /**
   * Forgets a user (GDPR Art. 17): the state blob and segment go, a tombstone (TTL) makes the compare-and-set drop
   * the user's late events, and the anonymous ids merged into the profile (or named by the request) lose their
   * alias and their own profile and get a tombstone too. Idempotent. Returns the number of keys removed.
   */
  async eraseUser(userId: string, tombstoneTtlMs: number, anonymousIds: readonly string[] = []): Promise<number> {
    const blob = await this.redis.getBuffer(RedisKeys.user.profile(userId));
    const stored = blob ? decodeUserState(blob) : null;
    const merged = stored?.merged ?? [];
    await this.userIndex.remove(userId, stored?.vector ?? null);
    const now = Date.now();
    const erase = (id: string): Promise<number> =>
      runLua<number>(
        this.redis,
        'eraseUser',
        [RedisKeys.user.profile(id), RedisKeys.user.segment(id), RedisKeys.user.erased(id)],
        [now, tombstoneTtlMs],
      );
    const anons = [...new Set([...merged, ...anonymousIds])].filter((a) => a !== userId);
    const counts = await Promise.all([
      erase(userId),
      ...anons.map(async (a) => (await erase(a)) + (await this.redis.del(RedisKeys.alias(a)))),
    ]);
    return counts.reduce((a, b) => a + b, 0);
  }
}

function itemsOf(e: ClickstreamEvent): string[] {
  switch (e.type) {
    case 'product_view':
    case 'add_to_cart':
    case 'remove_from_cart':
    case 'review':
      return [e.payload.itemId];
    case 'purchase':
      return e.payload.lines.map((l) => l.itemId);
    case 'checkout':
      return e.payload.itemIds ?? [];
    default:
      return [];
  }
}
