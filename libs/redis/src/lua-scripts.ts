import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/**
 * Loads every `<name>-<numberOfKeys>.lua` file of a folder as an ioredis command (EVALSHA with EVAL fallback),
 * the BullMQ convention: the key count in the name keeps callers and scripts in agreement.
 */
export function loadLuaScripts(client: Redis | Cluster, dir: string): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^([a-z0-9-]+)-(\d+)\.lua$/.exec(file);
    if (!m?.[1] || m[2] === undefined) continue;
    const name = camel(m[1]);
    client.defineCommand(name, { numberOfKeys: Number(m[2]), lua: readFileSync(join(dir, file), 'utf8') });
    names.push(name);
  }
  return names;
}

/** Calls a script loaded by loadLuaScripts; typed at the call site by whoever owns the script. */
export async function runLua<T>(client: Redis | Cluster, name: string, keys: string[], args: (string | number)[]): Promise<T> {
  const fn = (client as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`Lua script ${name} is not loaded (see ${basename(__filename)})`);
  return (await (fn as (...a: (string | number)[]) => Promise<T>).call(client, ...keys, ...args));
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
