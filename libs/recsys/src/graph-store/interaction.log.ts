import { join } from 'node:path';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { decodeInteraction, encodeInteraction, type InteractionRecord } from './interaction-record';

export interface LoggedInteraction {
  /** Kafka offset of the event it came from. */
  readonly offset: number;
  readonly record: InteractionRecord;
}

/**
 * The durable interaction log: one capped Redis stream per (topic, partition), entry id = offset + 1. It is what
 * makes the graph survive restarts without replaying Kafka and what makes replays harmless; every instance
 * builds its in-memory graph by tailing it.
 */
export class InteractionLog {
  private readonly cursors = new Map<number, string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly topic: string,
    private readonly maxLenPerPartition: number,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  /** Appends entries of one partition (offset order); returns how many were new. Durable on return. */
  async append(partition: number, entries: readonly LoggedInteraction[]): Promise<number> {
    if (entries.length === 0) return 0;
    const args: (string | number)[] = [this.maxLenPerPartition];
    for (const e of entries) args.push(String(e.offset + 1), encodeInteraction(e.record));
    const before = await runLua<number>(
      this.redis,
      'appendInteractions',
      [RedisKeys.gnn.interactionLog(this.topic, partition)],
      args,
    );
    return entries.filter((e) => e.offset + 1 > before).length;
  }

  /** Reads what was appended to the partitions since the last call (from the start on the first one). */
  async readNew(partitions: number, batch = 10_000, onRecord: (r: InteractionRecord) => void): Promise<number> {
    let total = 0;
    for (let p = 0; p < partitions; p++) {
      const key = RedisKeys.gnn.interactionLog(this.topic, p);
      for (;;) {
        const cursor = this.cursors.get(p);
        const rows = await this.redis.xrange(key, cursor === undefined ? '-' : `(${cursor}`, '+', 'COUNT', batch);
        for (const [id, fields] of rows) {
          const r = decodeInteraction(fields[1] ?? '');
          if (r !== null) onRecord(r);
          this.cursors.set(p, id);
        }
        total += rows.length;
        if (rows.length < batch) break;
      }
    }
    return total;
  }
}
