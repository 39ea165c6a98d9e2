import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis.config';

/** A script argument; binary values (state blobs) go as Buffers. */
export type LuaArg = string | number | Buffer;

/** Scripts loaded with a variable key count (`<name>-n.lua`), per client: runLua passes their key count. */
const variadic = new WeakMap<Redis | Cluster, Set<string>>();

/**
 * Loads every `<name>-<numberOfKeys>.lua` file of a folder as an ioredis command (EVALSHA with EVAL fallback), the
 * BullMQ convention: the key count in the name keeps callers and scripts in agreement. `<name>-n.lua` takes as many
 * keys as the call gives (a chunk of users or items in one call on a standalone Redis, one key group on a Cluster).
 * Scripts are defined when the owner is constructed: ioredis auto-pipelines copy the client's scripts when they
 * are created, so a command defined later would be missing from a pipeline already open.
 */
export function loadLuaScripts(client: Redis | Cluster, dir: string): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^([a-z0-9-]+)-(\d+|n)\.lua$/.exec(file);
    if (!m?.[1] || m[2] === undefined) continue;
    const name = camel(m[1]);
    const lua = readFileSync(join(dir, file), 'utf8');
    if (m[2] === 'n') {
      client.defineCommand(name, { lua });
      const set = variadic.get(client) ?? new Set<string>();
      set.add(name);
      variadic.set(client, set);
    } else {
      client.defineCommand(name, { numberOfKeys: Number(m[2]), lua });
    }
    names.push(name);
  }
  return names;
}

/** Calls a script loaded by loadLuaScripts; typed at the call site by whoever owns the script. */
export async function runLua<T>(
  client: Redis | Cluster,
  name: string,
  keys: readonly string[],
  args: readonly LuaArg[],
): Promise<T> {
  const fn = (client as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`Lua script ${name} is not loaded (see ${basename(__filename)})`);
  const call = fn as (...a: LuaArg[]) => Promise<T>;
  return variadic.get(client)?.has(name)
    ? await call.call(client, keys.length, ...keys, ...args)
    : await call.call(client, ...keys, ...args);
}

/** Keys of different slots may share one script call only on a standalone Redis: `standalone` there, 1 on a Cluster. */
export const keyGroupsPerCall = (client: RedisClient, standalone: number): number =>
  client.isCluster ? 1 : standalone;

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
