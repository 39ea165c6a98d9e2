import { join } from 'node:path';
import { keyGroupsPerCall, loadLuaScripts, RedisKeys, runLua, type LuaArg, type RedisClient } from '@offerstream/redis';
import type { FeatureStoreConfig } from '../feature-store.config';
import type { CoocGroup, ItemDeltas } from '../rules/item-deltas';

const APPLIED = -1;
const ALREADY = -2;
/** Items per co-occurrence script call on a standalone Redis: bounds each call's ARGV and its time in Redis. */
const ITEMS_PER_CALL = 200;
/** A watermark inside the batch is re-resolved by re-sending the events above it; it moves up every time. */
const MAX_ROUNDS = 16;

/**
 * Item-side aggregates of one partition batch (popularity, trending, co-occurrence), summed in process and
 * applied with one script call per ranking and one per chunk of items. Effectively once per (partition, offset):
 * every key group keeps a per-partition watermark = last offset of the batch applied to it, checked and moved in
 * the same script as the increments. If an earlier attempt with other batch bounds (crash, rebalance) left the
 * watermark inside this batch, only the events above it are summed again and re-sent.
 */
export class ItemAggregatesWriter {
  constructor(
    private readonly redis: RedisClient,
    private readonly cfg: FeatureStoreConfig,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async apply(partition: number, first: number, last: number, d: ItemDeltas): Promise<void> {
    const calls: Promise<void>[] = [
      this.ranking(partition, first, last, RedisKeys.popularity(), RedisKeys.popularityWatermarks(), d.popularity),
      this.ranking(partition, first, last, RedisKeys.trending(), RedisKeys.trendingWatermarks(), d.trending),
      this.cooc(partition, first, last, d.cooc),
    ];
    if (d.cooc.size > 0)
      calls.push(this.redis.sadd(RedisKeys.neighbourDirty(), ...d.cooc.keys()).then(() => undefined));
    await Promise.all(calls);
  }

  private async ranking(
    p: number,
    first: number,
    last: number,
    key: string,
    wmKey: string,
    triples: readonly [number, string, number][],
  ): Promise<void> {
    let from = first;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const sums = new Map<string, number>();
      for (const [o, item, inc] of triples) if (o >= from) sums.set(item, (sums.get(item) ?? 0) + inc);
      const args: LuaArg[] = [p, from, last];
      for (const [item, inc] of sums) args.push(item, String(inc));
      const r = await runLua<number>(this.redis, 'applyRankingBatch', [key, wmKey], args);
      if (r === APPLIED || r === ALREADY) return;
      from = r + 1;
    }
    throw new Error(`ranking ${key} watermark kept moving inside the batch`);
  }

  private async cooc(p: number, first: number, last: number, cooc: ReadonlyMap<string, CoocGroup[]>): Promise<void> {
    const chunk = keyGroupsPerCall(this.redis, ITEMS_PER_CALL);
    let pending = [...cooc.keys()].map((item) => ({ item, from: first }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error('co-occurrence watermarks kept moving inside the batch');
      const calls: Promise<{ item: string; from: number }[]>[] = [];
      for (let i = 0; i < pending.length; i += chunk) {
        const part = pending.slice(i, i + chunk);
        calls.push(this.coocCall(p, last, part, cooc));
      }
      pending = (await Promise.all(calls)).flat();
    }
  }

  /** One call for items sharing a `from` bound is required by the script; conflicts come back with their new bound. */
  private async coocCall(
    p: number,
    last: number,
    part: readonly { item: string; from: number }[],
    cooc: ReadonlyMap<string, CoocGroup[]>,
  ): Promise<{ item: string; from: number }[]> {
    const retry: { item: string; from: number }[] = [];
    const byFrom = new Map<number, string[]>();
    for (const { item, from } of part) {
      const list = byFrom.get(from) ?? [];
      list.push(item);
      byFrom.set(from, list);
    }
    await Promise.all(
      [...byFrom].map(async ([from, items]) => {
        const keys: string[] = [];
        const args: LuaArg[] = [p, from, last, this.cfg.coocMax];
        for (const item of items) {
          keys.push(RedisKeys.item.cooc(item), RedisKeys.item.watermark(item));
          let n = 0;
          const sums = new Map<string, number>();
          for (const g of cooc.get(item) ?? []) {
            if (g.offset < from) continue;
            n += g.n;
            for (const [partner, inc] of g.partners) sums.set(partner, (sums.get(partner) ?? 0) + inc);
          }
          args.push(String(n), sums.size);
          for (const [partner, inc] of sums) args.push(partner, String(inc));
        }
        const r = await runLua<number[]>(this.redis, 'applyCoocBatch', keys, args);
        items.forEach((item, i) => {
          const code = r[i];
          if (code === undefined) throw new Error('co-occurrence script answered for fewer items than sent');
          if (code !== APPLIED && code !== ALREADY) retry.push({ item, from: code + 1 });
        });
      }),
    );
    return retry;
  }
}
