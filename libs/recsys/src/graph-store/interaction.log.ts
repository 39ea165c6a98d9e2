import { join } from 'node:path';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { GnnErasures } from '../model-store/gnn-erasures';
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

  /**
   * Appends entries of one partition (offset order); returns how many were new. Durable on return. Entries of
   * erased users (a tombstone in the user's slot) are dropped: a late event never brings a forgotten user back.
   */
  async append(partition: number, entries: readonly LoggedInteraction[]): Promise<number> {
    entries = await this.withoutErased(entries);
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

  /**
   * Forgets a user's interactions: every log entry of the user (or of the anonymous ids named) is deleted, then their
   * embedding rows in every stored model version, and the erasure is counted (`GnnErasures`), so every GNN worker
   * drops the user from its in-memory graph and the next publish is trained without them. Call it after the user's
   * tombstone is written. Returns log entries and embedding rows deleted. Static: the erasure runs where no log
   * writer settings exist (the decision service), and needs none.
   */
  static async eraseUser(
    redis: RedisClient,
    topic: string,
    partitions: number,
    userIds: readonly string[],
    batch = 10_000,
  ): Promise<number> {
    const who = new Set(userIds);
    let deleted = 0;
    for (let p = 0; p < partitions; p++) {
      const key = RedisKeys.gnn.interactionLog(topic, p);
      let from = '-';
      for (;;) {
        const rows = await redis.xrange(key, from, '+', 'COUNT', batch);
        const ids = rows.filter(([, f]) => who.has(decodeInteraction(f[1] ?? '')?.user ?? '')).map(([id]) => id);
        if (ids.length > 0) deleted += await redis.xdel(key, ...ids);
        const last = rows[rows.length - 1];
        if (!last || rows.length < batch) break;
        from = `(${last[0]}`;
      }
    }
    return deleted + (await GnnErasures.noteErased(redis, userIds));
  }

  private async withoutErased(entries: readonly LoggedInteraction[]): Promise<readonly LoggedInteraction[]> {
    const users = [...new Set(entries.map((e) => e.record.user))];
    if (users.length === 0) return entries;
    const erased = await Promise.all(users.map((u) => this.redis.exists(RedisKeys.user.erased(u))));
    const gone = new Set(users.filter((_, i) => erased[i] === 1));
    return gone.size === 0 ? entries : entries.filter((e) => !gone.has(e.record.user));
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
