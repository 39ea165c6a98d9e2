import type { Cluster, Redis } from 'ioredis';
import { ConfigError } from '@offerstream/core';
import type { RedisClient } from './redis.config';

/** Whether each master appends every write to its AOF (`INFO persistence`, allowed where CONFIG is not). */
export async function redisPersistence(client: RedisClient): Promise<{ node: string; aof: boolean }[]> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  return Promise.all(
    nodes.map(async (n) => {
      const info = await n.info('persistence');
      return { node: `${n.options.host ?? '?'}:${n.options.port ?? '?'}`, aof: /^aof_enabled:1\r?$/m.test(info) };
    }),
  );
}

/**
 * Stops the process at boot when a Redis master runs without the append-only file: the budget ledger, trigger-once
 * markers and offset watermarks would not survive its restart (deploy/README.md, Durability). Enabled by
 * REDIS_REQUIRE_PERSISTENCE, which the Kubernetes manifests set.
 */
export async function requireRedisPersistence(client: RedisClient): Promise<void> {
  const without = (await redisPersistence(client)).filter((n) => !n.aof).map((n) => n.node);
  if (without.length > 0)
    throw new ConfigError(
      'REDIS_REQUIRE_PERSISTENCE',
      `Redis ${without.join(', ')} runs without the append-only file (appendonly yes, appendfsync everysec required)`,
    );
}
