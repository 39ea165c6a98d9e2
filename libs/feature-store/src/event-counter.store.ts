import { join } from 'node:path';
import type { ClickstreamEvent } from '@offerstream/contracts';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';

export interface OffsetEvent {
  offset: string;
  event: Pick<ClickstreamEvent, 'type'>;
}

/** Per-type event counters, effectively once per (partition, offset). */
export class EventCounterStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly group: string,
    private readonly topic: string,
  ) {
    loadLuaScripts(redis, join(__dirname, 'lua'));
  }

  async apply(partition: number, events: readonly OffsetEvent[]): Promise<number> {
    const args: string[] = [];
    for (const e of events) args.push(e.offset, e.event.type);
    try {
      return await runLua<number>(
        this.redis,
        'countEvents',
        [RedisKeys.partitionCounters(this.group, this.topic, partition)],
        args,
      );
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', 'could not apply event counters', e, { partition });
    }
  }

  /** Sums the per-partition counters (reads every partition hash of the topic). */
  async totals(partitions: number): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (let p = 0; p < partitions; p++) {
      const h = await this.redis.hgetall(RedisKeys.partitionCounters(this.group, this.topic, p));
      for (const [k, v] of Object.entries(h)) if (k !== 'wm') totals[k] = (totals[k] ?? 0) + Number(v);
    }
    return totals;
  }
}
