import { envField, loadEnvConfig } from '@offerstream/core';
import { loadFeatureStoreConfig } from '@offerstream/feature-store';
import { loadKafkaEnv } from '@offerstream/kafka';
import { loadRedisEnv } from '@offerstream/redis';

export function loadStreamProcessorConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    kafka: loadKafkaEnv(env),
    redis: loadRedisEnv(env),
    features: loadFeatureStoreConfig(env),
    service: loadEnvConfig(
      {
        PORT: envField.int(3001, 1, 65535),
        CONSUMER_GROUP: envField.str('offerstream.stream-processor'),
        PARTITIONS_CONCURRENTLY: envField.int(4, 1, 64),
        MAX_BYTES_PER_PARTITION: envField.int(4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
        /** Off-hot-path jobs (neighbour lists, content neighbours, segmentation); on in every instance by default. */
        JOBS_ENABLED: envField.bool(true),
      },
      env,
    ),
  };
}
export type StreamProcessorConfig = ReturnType<typeof loadStreamProcessorConfig>;
