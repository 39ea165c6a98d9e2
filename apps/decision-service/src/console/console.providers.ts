import type { Provider } from '@nestjs/common';
import { CampaignSeries, OfferActivityStore, OfferRecordStore, UserDecisionsReader } from '@offerstream/decision';
import { REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import type { DecisionServiceConfig } from '../decision-service.config';
import { DECISION_CONFIG } from '../decision-service.tokens';

/** The feed holds user ids: it goes away a week after the last offer instead of staying forever. */
const FEED_TTL_S = 7 * 86_400;

/** The console's readers and the offer feed's writer (the publisher records acknowledged offers into it). */
export const consoleProviders: Provider[] = [
  {
    provide: CampaignSeries,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: DecisionServiceConfig) =>
      new CampaignSeries(redis, {
        bucketMs: s.SERIES_SAMPLE_MS,
        maxPoints: s.SERIES_MAX_POINTS,
        // Kept for the whole window the points span, plus a day.
        ttlSeconds: Math.ceil((s.SERIES_SAMPLE_MS * s.SERIES_MAX_POINTS) / 1000) + 86_400,
      }),
  },
  {
    provide: OfferActivityStore,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: DecisionServiceConfig) =>
      new OfferActivityStore(redis, { feedMax: s.FEED_MAX, feedTtlSeconds: FEED_TTL_S }),
  },
  {
    provide: UserDecisionsReader,
    inject: [REDIS, OfferRecordStore],
    useFactory: (redis: RedisClient, records: OfferRecordStore) => new UserDecisionsReader(redis, records),
  },
];
