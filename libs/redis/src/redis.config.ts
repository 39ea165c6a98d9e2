import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Cluster, Redis, type RedisOptions, type ClusterOptions } from 'ioredis';
import { ConfigError, envField, loadEnvConfig } from '@offerstream/core';

export const redisEnvShape = {
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Comma-separated host:port seeds; when set, the Cluster client is used and REDIS_URL only gives credentials. */
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]*$/, 'letters, digits, colon, dash, underscore')
    .default('os:'),
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  /** PEM CA that signed the server's certificate; setting it (or a client certificate) turns TLS on. */
  REDIS_TLS_CA_FILE: envField.file(),
  /** Mutual TLS: this client's PEM certificate and key, for a server with `tls-auth-clients yes`. */
  REDIS_TLS_CERT_FILE: envField.file(),
  REDIS_TLS_KEY_FILE: envField.file(),
  REDIS_COMMAND_TIMEOUT_MS: envField.int(5_000, 10, 600_000),
  /** Refuse to start unless every Redis master persists with the append-only file (see requireRedisPersistence). */
  REDIS_REQUIRE_PERSISTENCE: envField.bool(false),
};
export type RedisEnv = ReturnType<typeof loadRedisEnv>;
export type RedisClient = Redis | Cluster;

export function loadRedisEnv(env: NodeJS.ProcessEnv = process.env) {
  const cfg = loadEnvConfig(redisEnvShape, env);
  if (cfg.REDIS_TLS_CERT_FILE && !cfg.REDIS_TLS_KEY_FILE) {
    throw new ConfigError('REDIS_TLS_KEY_FILE', 'required when REDIS_TLS_CERT_FILE is set (mutual TLS)');
  }
  if (cfg.REDIS_TLS_KEY_FILE && !cfg.REDIS_TLS_CERT_FILE) {
    throw new ConfigError('REDIS_TLS_CERT_FILE', 'required when REDIS_TLS_KEY_FILE is set (mutual TLS)');
  }
  return cfg;
}

/**
 * One factory for standalone and Cluster clients. The key prefix is applied by ioredis to every key argument
 * (Lua scripts included), so the key builder never repeats it.
 */
export function createRedis(cfg: RedisEnv, overrides: Partial<RedisOptions> = {}): RedisClient {
  const url = new URL(cfg.REDIS_URL);
  const base: RedisOptions = {
    keyPrefix: cfg.REDIS_KEY_PREFIX,
    username: cfg.REDIS_USERNAME ?? (url.username ? decodeURIComponent(url.username) : undefined),
    password: cfg.REDIS_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined),
    commandTimeout: cfg.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    lazyConnect: false,
    ...redisTls(cfg, url),
    ...overrides,
  };
  if (cfg.REDIS_CLUSTER_NODES) {
    const nodes = cfg.REDIS_CLUSTER_NODES.split(',').map((s) => {
      const [host, port] = s.trim().split(':');
      return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
    });
    // No auto-pipelining on a Cluster: ioredis routes an auto-pipelined EVALSHA by its first argument (the script's
    // sha, not a key), so script calls land in pipelines of the wrong node and fail with "All keys in the pipeline
    // should belong to the same slots allocation group" (redis/ioredis#2109; found by the Cluster integration suite).
    const options: ClusterOptions = {
      redisOptions: { ...base, enableAutoPipelining: false },
      keyPrefix: cfg.REDIS_KEY_PREFIX,
      enableAutoPipelining: false,
    };
    return new Cluster(nodes, options);
  }
  return new Redis({
    ...base,
    host: url.hostname,
    port: Number(url.port || 6379),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
  });
}

/** TLS for `rediss://` or any TLS file; the CA and the client certificate (mutual TLS) come from PEM files. */
function redisTls(cfg: RedisEnv, url: URL): Pick<RedisOptions, 'tls'> {
  const on = url.protocol === 'rediss:' || cfg.REDIS_TLS_CA_FILE || cfg.REDIS_TLS_CERT_FILE;
  if (!on) return {};
  return {
    tls: {
      ...(cfg.REDIS_TLS_CA_FILE ? { ca: readFileSync(cfg.REDIS_TLS_CA_FILE) } : {}),
      ...(cfg.REDIS_TLS_CERT_FILE && cfg.REDIS_TLS_KEY_FILE
        ? { cert: readFileSync(cfg.REDIS_TLS_CERT_FILE), key: readFileSync(cfg.REDIS_TLS_KEY_FILE) }
        : {}),
    },
  };
}
