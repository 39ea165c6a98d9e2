import { envField, loadEnvConfig } from '@offerstream/core';
import { loadKafkaEnv } from '@offerstream/kafka';
import { loadRedisEnv } from '@offerstream/redis';

export function loadStreamProcessorConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    kafka: loadKafkaEnv(env),
    redis: loadRedisEnv(env),
    service: loadEnvConfig(
      {
        PORT: envField.int(3001, 1, 65535),
        CONSUMER_GROUP: envField.str('offerstream.stream-processor'),
        PARTITIONS_CONCURRENTLY: envField.int(4, 1, 64),
      },
      env,
    ),
  };
}
export type StreamProcessorConfig = ReturnType<typeof loadStreamProcessorConfig>;
