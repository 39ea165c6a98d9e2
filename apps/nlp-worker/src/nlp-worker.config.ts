import { envField, loadEnvConfig } from '@offerstream/core';
import { loadKafkaEnv } from '@offerstream/kafka';
import { DEFAULT_INTENT_HALF_LIFE_HOURS, DEFAULT_MODEL_DIR, DEFAULT_SENTIMENT_PRIOR } from '@offerstream/nlp';
import { loadRedisEnv } from '@offerstream/redis';

/** Every setting of the NLP worker, validated at boot; the first bad one stops the process with its name. */
export function loadNlpWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    kafka: loadKafkaEnv(env),
    redis: loadRedisEnv(env),
    service: loadEnvConfig(
      {
        PORT: envField.int(3002, 1, 65535),
        CONSUMER_GROUP: envField.str('offerstream.nlp-worker'),
        PARTITIONS_CONCURRENTLY: envField.int(3, 1, 64),
        NLP_MODEL_DIR: envField.str(DEFAULT_MODEL_DIR),
        /** Worker threads scoring text; on a 2-core box one is fastest (see libs/nlp/RESULTS.md). */
        NLP_POOL_SIZE: envField.int(1, 1, 32),
        NLP_POOL_MAX_QUEUE: envField.int(64, 1, 10_000),
        NLP_SCORE_BATCH_SIZE: envField.int(64, 1, 4096),
        NLP_TOP_CATEGORIES: envField.int(3, 1, 10),
        /** Bayesian mean of the item sentiment: the prior acts as this many reviews of this positive share. */
        NLP_SENTIMENT_PRIOR_MEAN: envField.num(DEFAULT_SENTIMENT_PRIOR.mean, 0, 1),
        NLP_SENTIMENT_PRIOR_WEIGHT: envField.num(DEFAULT_SENTIMENT_PRIOR.weight, 0, 1e6),
        NLP_NEGATIVE_TERMS_PER_REVIEW: envField.int(5, 0, 50),
        NLP_NEGATIVE_TERMS_MAX: envField.int(50, 1, 10_000),
        NLP_INTENT_HALF_LIFE_HOURS: envField.num(DEFAULT_INTENT_HALF_LIFE_HOURS, 0.001, 24 * 365),
        NLP_INTENT_MIN_PROBABILITY: envField.num(0.2, 0, 1),
        NLP_INTENT_MAX: envField.int(20, 1, 1000),
        NLP_USER_REVIEWS_MAX: envField.int(20, 1, 1000),
        /** A user's intent and review sentiments expire this long after their last search or review. */
        NLP_USER_TTL_DAYS: envField.num(90, 0.001, 3650),
      },
      env,
    ),
  };
}
export type NlpWorkerConfig = ReturnType<typeof loadNlpWorkerConfig>;
export type NlpServiceConfig = NlpWorkerConfig['service'];
