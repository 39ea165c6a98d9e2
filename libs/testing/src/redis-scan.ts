import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '@offerstream/redis';

/**
 * Everything under `prefix` that names or holds `needle`, by key name or by content (strings, hash fields and values,
 * list, set and sorted-set members, stream entries): what an auditor would enumerate after an erasure. Every master
 * of a Cluster is scanned.
 */
export async function keysHolding(redis: RedisClient, prefix: string, needle: string): Promise<string[]> {
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  const found: string[] = [];
  for (const node of nodes) await scanNode(redis, node, prefix, needle, found);
  return found.sort();
}

async function scanNode(
  redis: RedisClient,
  node: Redis,
  prefix: string,
  needle: string,
  found: string[],
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const full of keys) {
      const key = full.slice(prefix.length);
      const type = await redis.type(key);
      let text = '';
      if (type === 'string') text = (await redis.getBuffer(key))?.toString('latin1') ?? '';
      else if (type === 'hash') text = JSON.stringify(await redis.hgetall(key));
      else if (type === 'list') text = JSON.stringify(await redis.lrange(key, 0, -1));
      else if (type === 'set') text = JSON.stringify(await redis.smembers(key));
      else if (type === 'zset') text = JSON.stringify(await redis.zrange(key, 0, -1));
      else if (type === 'stream') text = JSON.stringify(await redis.xrange(key, '-', '+'));
      if (key.includes(needle) || text.includes(needle)) found.push(key);
    }
  } while (cursor !== '0');
}
