import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '@offerstream/redis';

export interface KeyContent {
  /** The key without the prefix, as the services' clients name it. */
  readonly key: string;
  /** Everything the key holds, as text: strings, hash fields and values, list, set and zset members, stream entries. */
  readonly text: string;
}

/**
 * Every key under `prefix` with everything it holds as text: what an auditor would enumerate after an erasure or a
 * run. Every master of a Cluster is scanned.
 */
export async function keysWithContent(redis: RedisClient, prefix: string): Promise<KeyContent[]> {
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  const found: KeyContent[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const full of keys) {
        const key = full.slice(prefix.length);
        found.push({ key, text: await contentOf(redis, key) });
      }
    } while (cursor !== '0');
  }
  return found;
}

/** Everything under `prefix` that names or holds `needle`, by key name or by content, sorted. */
export async function keysHolding(redis: RedisClient, prefix: string, needle: string): Promise<string[]> {
  return (await keysWithContent(redis, prefix))
    .filter((k) => k.key.includes(needle) || k.text.includes(needle))
    .map((k) => k.key)
    .sort();
}

async function contentOf(redis: RedisClient, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.getBuffer(key))?.toString('latin1') ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}
