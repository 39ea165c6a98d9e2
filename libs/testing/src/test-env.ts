import { randomBytes } from 'node:crypto';
import { allTopicNames } from '@offerstream/contracts';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import { createRedis, loadRedisEnv, type RedisClient } from '@offerstream/redis';
import type { Kafka } from 'kafkajs';
import type { Cluster, Redis } from 'ioredis';

export const KAFKA_BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A random name part, so that concurrent and repeated test runs never share topics, groups or keys. */
export const randomId = (prefix = 't'): string => `${prefix}${randomBytes(5).toString('hex')}`;

export interface IsolatedEnv {
  /** Environment for a service under test: random topic prefix, consumer group and Redis key prefix. */
  env: NodeJS.ProcessEnv;
  topicPrefix: string;
  kafka: Kafka;
  redis: RedisClient;
  /** Redis client with the same key prefix the service uses. */
  close(): Promise<void>;
}

export async function isolatedEnv(extra: NodeJS.ProcessEnv = {}): Promise<IsolatedEnv> {
  const id = randomId();
  const topicPrefix = `${id}.`;
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS,
    REDIS_URL,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    REDIS_KEY_PREFIX: `${id}:`,
    CONSUMER_GROUP: `${id}-group`,
    LOG_LEVEL: 'warn',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // Services require API keys by default; suites that test access control pass testAuthEnv() in `extra`.
    AUTH_MODE: 'off',
    ...extra,
  };
  const kafka = createKafka(loadKafkaEnv({ ...env, KAFKA_CLIENT_ID: `${id}-test` }));
  const admin = kafka.admin();
  await admin.connect();
  const topics = allTopicNames(topicPrefix);
  // On a loaded machine leader election can lag the create call; wait until every partition has a leader.
  await admin
    .createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
    })
    .catch(() => undefined);
  await waitFor(
    async () => {
      const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      return meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) || undefined;
    },
    { what: 'test topics to have leaders' },
  );
  await admin.disconnect();
  const redis = createRedis(loadRedisEnv(env));
  return {
    env,
    topicPrefix,
    kafka,
    redis,
    close: async () => {
      await deleteKeys(redis, `${id}:*`);
      await redis.quit();
      const a = kafka.admin();
      await a.connect();
      await a.deleteTopics({ topics: allTopicNames(topicPrefix).map((t) => t.name) }).catch(() => undefined);
      await a.disconnect();
    },
  };
}

/**
 * Redis clients under a fresh random key prefix, for tests of a lib's state: `redis`, and `client()` for more
 * connections on the same keys (two instances); close() deletes the prefix's keys and quits every client.
 */
export function isolatedRedis(env: NodeJS.ProcessEnv = process.env): {
  prefix: string;
  redis: RedisClient;
  client(): RedisClient;
  close(): Promise<void>;
} {
  const prefix = `${randomId()}:`;
  const clients: RedisClient[] = [];
  const client = (): RedisClient => {
    const c = createRedis(loadRedisEnv({ ...env, REDIS_KEY_PREFIX: prefix }));
    clients.push(c);
    return c;
  };
  const redis = client();
  return {
    prefix,
    redis,
    client,
    close: async () => {
      await deleteKeys(redis, `${prefix}*`);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}

async function deleteKeys(redis: RedisClient, pattern: string): Promise<void> {
  // SCAN patterns are not prefixed by ioredis, so the full pattern is given; DEL gets keys without the prefix.
  // On a Cluster every master is scanned, and keys are deleted one by one (they live in different slots).
  const prefix = pattern.slice(0, -1);
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const names = keys.map((k) => k.slice(prefix.length));
      if (redis.isCluster) await Promise.all(names.map((k) => redis.del(k)));
      else if (names.length > 0) await redis.del(...names);
    } while (cursor !== '0');
  }
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}
