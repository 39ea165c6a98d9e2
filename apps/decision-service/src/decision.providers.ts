import type { Provider } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import {
  BudgetPacer,
  CampaignCache,
  CampaignLearning,
  CampaignStore,
  DecisionOutcomeStore,
  DEFAULT_PROPENSITY,
  LearningLoop,
  OfferRecordStore,
  POLICY_FEATURES_VERSION,
  POLICY_INTERACTIONS,
  POLICY_RANGED_FEATURES,
  POLICY_SEGMENT_COUNT_GROUPS,
  POLICY_SEGMENT_GROUPS,
  ProfitModelStore,
  propensityExample,
  PropensityRefitJob,
  PropensityStore,
  ReservationStore,
  type FeatureSource,
  type JoinedDecision,
} from '@offerstream/decision';
import { REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { decidingProviders } from './decision-engine.providers';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG, FEATURE_SOURCE, LEARNING_LOOP, PROPENSITY_REFIT } from './decision-service.tokens';

/** Outcome markers and settled budget reservations are remembered this long, so that redeliveries stay no-ops. */
export const OUTCOME_MARKER_TTL_S = 30 * 86_400;
/**
 * An offer's record outlives the offer by a week: its outcomes (redeem, dismiss, expire) can arrive after it expired,
 * and without the record an outcome that does not name its campaign could no longer be counted or settle the budget.
 */
export const OFFER_RECORD_TTL_S = 7 * 86_400;

type Config = DecisionServiceConfig;

/** The campaigns and this instance's cache of them: all the campaigns API needs (with REDIS, config and logger). */
export const campaignProviders: Provider[] = [
  { provide: CampaignStore, inject: [REDIS], useFactory: (redis: RedisClient) => new CampaignStore(redis) },
  {
    provide: CampaignCache,
    inject: [CampaignStore, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (store: CampaignStore, c: Config, logger: Logger) =>
      new CampaignCache(store, c.service.CAMPAIGN_POLL_MS, logger),
  },
];

const stores: Provider[] = [
  {
    provide: DecisionOutcomeStore,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: Config) =>
      new DecisionOutcomeStore(redis, {
        attributionWindowMs: s.ATTRIBUTION_WINDOW_H * 3_600_000,
        logMax: s.PROFIT_LOG_MAX,
        markerTtlSeconds: OUTCOME_MARKER_TTL_S,
      }),
  },
  {
    provide: ProfitModelStore,
    inject: [REDIS, SERVICE_LOGGER],
    useFactory: (redis: RedisClient, logger: Logger) => new ProfitModelStore(redis, POLICY_FEATURES_VERSION, logger),
  },
  {
    provide: BudgetPacer,
    inject: [REDIS, CampaignCache, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (redis: RedisClient, cache: CampaignCache, { service: s }: Config, logger: Logger) =>
      new BudgetPacer(
        redis,
        () => cache.all,
        {
          refreshMs: s.PACING_REFRESH_MS,
          gain: s.PACING_GAIN,
          maxPrice: s.PACING_MAX_PRICE,
          paceOffers: s.PACING_OFFERS,
        },
        logger,
      ),
  },
  {
    provide: ReservationStore,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: Config) =>
      new ReservationStore(redis, {
        triggerOnceTtlSeconds: s.TRIGGER_ONCE_TTL_S,
        historyTtlMs: s.HISTORY_TTL_H * 3_600_000,
        releaseGraceMs: s.BUDGET_RELEASE_GRACE_MS,
        settledRetentionMs: OUTCOME_MARKER_TTL_S * 1000,
      }),
  },
  {
    provide: PropensityStore,
    inject: [REDIS, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (redis: RedisClient, { service: s }: Config, logger: Logger) =>
      new PropensityStore(
        redis,
        { logMax: s.PROPENSITY_LOG_MAX, markerTtlSeconds: OUTCOME_MARKER_TTL_S },
        DEFAULT_PROPENSITY,
        logger,
      ),
  },
  {
    provide: PROPENSITY_REFIT,
    inject: [PropensityStore, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (store: PropensityStore, { service: s }: Config, logger: Logger): PropensityRefitJob | undefined =>
      s.PROPENSITY_REFIT
        ? new PropensityRefitJob(
            store,
            {
              intervalMs: s.PROPENSITY_REFIT_MS,
              minNewExamples: s.PROPENSITY_MIN_NEW,
              lockMs: s.PROPENSITY_LOCK_MS,
              heldOutShare: s.PROPENSITY_HELD_OUT_SHARE,
              epochs: s.PROPENSITY_EPOCHS,
              prior: DEFAULT_PROPENSITY,
            },
            undefined,
            logger,
          )
        : undefined,
  },
  {
    provide: OfferRecordStore,
    inject: [REDIS],
    useFactory: (redis: RedisClient) => new OfferRecordStore(redis, OFFER_RECORD_TTL_S),
  },
  {
    provide: LEARNING_LOOP,
    inject: [DecisionOutcomeStore, ProfitModelStore, PropensityStore, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (
      outcomes: DecisionOutcomeStore,
      models: ProfitModelStore,
      propensity: PropensityStore,
      { service: s }: Config,
      logger: Logger,
    ) =>
      s.PROFIT_REFIT
        ? new LearningLoop(
            outcomes,
            models,
            {
              settleMs: s.LEARNING_SETTLE_MS,
              refitMs: s.PROFIT_REFIT_MS,
              minNewDecisions: s.PROFIT_MIN_NEW,
              lockMs: s.PROFIT_LOCK_MS,
              heldOutShare: s.PROFIT_HELD_OUT_SHARE,
              lambda: s.PROFIT_LAMBDA,
              offerLambda: s.PROFIT_OFFER_LAMBDAS,
              poolLambda: s.PROFIT_POOL_LAMBDAS,
              baselineBins: s.PROFIT_BASELINE_BINS,
              weakShrinkage: s.PROFIT_WEAK_SHRINKAGE,
              ...(s.PROFIT_INTERACTIONS ? { interactions: POLICY_INTERACTIONS } : {}),
              ...(s.PROFIT_SEGMENTS
                ? {
                    segmentGroups: POLICY_SEGMENT_GROUPS,
                    rangedFeatures: POLICY_RANGED_FEATURES,
                    segmentCountGroups: POLICY_SEGMENT_COUNT_GROUPS,
                    segmentResponses: s.PROFIT_SEGMENT_RESPONSES,
                  }
                : {}),
              bags: s.PROFIT_BAGS,
              bagShare: s.PROFIT_BAG_SHARE,
              maxWeight: s.PROFIT_MAX_WEIGHT,
              caution: s.POLICY_CAUTION,
              minActionExamples: s.POLICY_MIN_ACTION_EXAMPLES,
            },
            (joined) => appendPropensityExamples(propensity, joined, logger),
            undefined,
            logger,
          )
        : undefined,
  },
  {
    provide: CampaignLearning,
    inject: [
      REDIS,
      OfferRecordStore,
      ReservationStore,
      DecisionOutcomeStore,
      FEATURE_SOURCE,
      DECISION_CONFIG,
      SERVICE_LOGGER,
    ],
    useFactory: (
      redis: RedisClient,
      records: OfferRecordStore,
      reservations: ReservationStore,
      outcomes: DecisionOutcomeStore,
      source: FeatureSource,
      { service: s }: Config,
      logger: Logger,
    ) =>
      new CampaignLearning(
        redis,
        records,
        reservations,
        outcomes,
        (itemIds) => source.items(itemIds),
        {
          attributionWindowMs: s.ATTRIBUTION_WINDOW_H * 3_600_000,
          markerTtlSeconds: OUTCOME_MARKER_TTL_S,
          defaultMarginRate: s.DEFAULT_MARGIN_RATE,
          memberTtlMs: s.HISTORY_TTL_H * 3_600_000,
        },
        logger,
      ),
  },
];

/** Settled no-offer decisions are the purchase-propensity model's training examples (see propensityExample). */
function appendPropensityExamples(
  propensity: PropensityStore,
  joined: readonly JoinedDecision[],
  logger: Logger,
): void {
  const examples = joined.flatMap((d) => propensityExample(d) ?? []);
  // A lost example only delays the next propensity refit; settlement must not wait for or fail on it.
  Promise.all(examples.map((e) => propensity.append(e))).catch((e: unknown) =>
    logger.warn('could not append propensity examples', { error: e, examples: examples.length }),
  );
}

/** The library objects one instance decides with, each built once from validated config and shared. */
export const decisionProviders: Provider[] = [...campaignProviders, ...stores, ...decidingProviders];
