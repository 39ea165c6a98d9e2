import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '@offerstream/redis';

export type LuaArg = string | number | Buffer;

/**
 * Scripts whose key count varies per call (a chunk of users or items on a standalone Redis, one key group on a
 * Cluster). loadLuaScripts fixes the key count by file name, so these files carry none and are defined here;
 * ioredis still applies the client's key prefix to the declared keys and falls back from EVALSHA to EVAL.
 */
export class VariadicLua {
  constructor(
    private readonly redis: RedisClient,
    dir: string,
  ) {
    // Defined up front: ioredis auto-pipelines copy the client's scripts when they are created, so a command
    // defined later would be missing from a pipeline already open.
    for (const file of readdirSync(dir)) {
      const m = /^([a-z-]+)\.lua$/.exec(file);
      if (m?.[1]) redis.defineCommand(commandName(m[1]), { lua: readFileSync(join(dir, file), 'utf8') });
    }
  }

  async run<T>(file: string, keys: readonly string[], args: readonly LuaArg[]): Promise<T> {
    const fn = (this.redis as unknown as Record<string, unknown>)[commandName(file)];
    if (typeof fn !== 'function') throw new Error(`Lua script ${file} is not loaded (no such file without a key count)`);
    return (await (fn as (...a: LuaArg[]) => Promise<T>).call(this.redis, keys.length, ...keys, ...args));
  }
}

const commandName = (file: string): string => `fsv_${file.replace(/-/g, '_')}`;

/** Keys of different slots may share a script call only on a standalone Redis. */
export const chunkSizeFor = (redis: RedisClient, standalone: number): number => (redis.isCluster ? 1 : standalone);
