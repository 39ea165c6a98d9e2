import { z } from 'zod';
import { envField, loadEnvConfig } from '@offerstream/core';
import { loadKafkaEnv } from '@offerstream/kafka';
import { loadRedisEnv } from '@offerstream/redis';

/** Every setting of the GNN worker, validated at boot; the first bad one stops the process with its name. */
export function loadGnnWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    kafka: loadKafkaEnv(env),
    redis: loadRedisEnv(env),
    service: loadEnvConfig(
      {
        PORT: envField.int(3003, 1, 65535),
        CONSUMER_GROUP: envField.str('offerstream.gnn-worker'),
        PARTITIONS_CONCURRENTLY: envField.int(3, 1, 64),
        /** Implicit-feedback weight of each event type; an edge's weight is the sum over its events. */
        GNN_WEIGHT_VIEW: envField.num(1, 0, 1000),
        GNN_WEIGHT_CART: envField.num(3, 0, 1000),
        GNN_WEIGHT_PURCHASE: envField.num(5, 0, 1000),
        /** Edges lighter than this are kept but not trained on (e.g. 2 = a single view is not enough). */
        GNN_MIN_EDGE_WEIGHT: envField.num(1, 0, 1e6),
        GNN_MAX_ITEMS_PER_USER: envField.int(200, 1, 100_000),
        GNN_MAX_USERS: envField.int(2_000_000, 1, 100_000_000),
        GNN_MAX_AGE_DAYS: envField.num(90, 0.0001, 3650),
        GNN_EDGE_HALF_LIFE_DAYS: envField.num(14, 0.0001, 3650),
        /** Interaction log entries kept per partition in Redis (approximate trim). */
        GNN_LOG_MAX_PER_PARTITION: envField.int(2_000_000, 100, 1_000_000_000),
        GNN_LOG_POLL_MS: envField.int(1_000, 10, 600_000),
        /** Train when this long has passed since the last training and something new arrived... */
        GNN_TRAIN_INTERVAL_MS: envField.int(600_000, 100, 7 * 86_400_000),
        /** ...or as soon as this many new interactions arrived. */
        GNN_TRAIN_MIN_NEW: envField.int(20_000, 1, 1e9),
        /** No training before the graph has this many edges. */
        GNN_TRAIN_MIN_EDGES: envField.int(1_000, 1, 1e9),
        GNN_TRAIN_CHECK_MS: envField.int(10_000, 50, 3_600_000),
        GNN_TRAIN_LOCK_MS: envField.int(3_600_000, 1_000, 86_400_000),
        GNN_METHOD: z.enum(['graph-filter', 'lightgcn']).default('graph-filter'),
        /** Graph filter: spectral rank = served vector size (serving cost is linear in it). */
        GNN_RANK: envField.int(64, 2, 1024),
        /** LightGCN settings. */
        GNN_DIMS: envField.int(64, 2, 1024),
        GNN_EPOCHS: envField.int(30, 1, 10_000),
        GNN_TRAIN_BUDGET_SECONDS: envField.num(600, 1, 86_400),
        /** Old model versions stay readable this long after being replaced. */
        GNN_VERSION_GRACE_MS: envField.int(120_000, 0, 86_400_000),
        GNN_VERSION_POLL_MS: envField.int(1_000, 10, 600_000),
        GNN_CANDIDATES_DEFAULT: envField.int(100, 1, 10_000),
        GNN_CANDIDATES_MAX: envField.int(1_000, 1, 100_000),
        /** Also read recent/seen/purchased items from the feature store (the stream processor's). */
        GNN_USE_FEATURE_STORE: envField.bool(true),
      },
      env,
    ),
  };
}
export type GnnWorkerConfig = ReturnType<typeof loadGnnWorkerConfig>;
export type GnnServiceConfig = GnnWorkerConfig['service'];
