import type { Provider } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import {
  BudgetPacer,
  CachedFeatureSource,
  CampaignCache,
  CampaignLearning,
  CampaignStore,
  CandidateGenerator,
  CartAbandonTrigger,
  CategoryBrowseTrigger,
  ClickstreamTriggers,
  DecisionEngine,
  DecisionOutcomeStore,
  DEFAULT_PROPENSITY,
  EmptyFeatureSource,
  FeatureStoreAdapter,
  HttpGnnCandidateSource,
  LearningLoop,
  NlpSignalSource,
  OfferRecordStore,
  POLICY_FEATURES_VERSION,
  ProfitModelStore,
  propensityExample,
  PropensityRefitJob,
  PropensityStore,
  ReservationStore,
  type FeatureSource,
  type JoinedDecision,
} from '@offerstream/decision';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import type { EventProducer } from '@offerstream/kafka';
import { EVENT_PRODUCER, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { DecisionMetrics } from './decision-metrics';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG, FEATURE_SOURCE, GNN_CANDIDATES, LEARNING_LOOP, PROPENSITY_REFIT } from './decision-service.tokens';
import { OfferPublisher } from './offer-publisher';

/** Outcome markers and settled budget reservations are remembered this long, so that redeliveries stay no-ops. */
export const OUTCOME_MARKER_TTL_S = 30 * 86_400;
/**
 * An offer's record outlives the offer by a week: outcomes (redeem, dismiss, expire) and the purchases attributed
 * to it can arrive after it expired, and without the record they would teach the bandit and propensity nothing.
 */
export const OFFER_RECORD_TTL_S = 7 * 86_400;
type Config = DecisionServiceConfig;

/** The campaigns and this instance's cache of them: all the campaigns API needs (with REDIS, config and logger). */
export const campaignProviders: Provider[] = [
  { provide: CampaignStore, inject: [REDIS], useFactory: (redis: RedisClient) => new CampaignStore(redis) },
  {
    provide: CampaignCache,
    inject: [CampaignStore, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (store: CampaignStore, c: Config, logger: Logger) => new CampaignCache(store, c.service.CAMPAIGN_POLL_MS, logger),
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
      new BudgetPacer(redis, () => cache.all, { refreshMs: s.PACING_REFRESH_MS, gain: s.PACING_GAIN, maxPrice: s.PACING_MAX_PRICE }, logger),
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
      new PropensityStore(redis, { logMax: s.PROPENSITY_LOG_MAX, markerTtlSeconds: OUTCOME_MARKER_TTL_S }, DEFAULT_PROPENSITY, logger),
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
  { provide: OfferRecordStore, inject: [REDIS], useFactory: (redis: RedisClient) => new OfferRecordStore(redis, OFFER_RECORD_TTL_S) },
  {
    provide: LEARNING_LOOP,
    inject: [DecisionOutcomeStore, ProfitModelStore, PropensityStore, DECISION_CONFIG, SERVICE_LOGGER],
    useFactory: (outcomes: DecisionOutcomeStore, models: ProfitModelStore, propensity: PropensityStore, { service: s }: Config, logger: Logger) =>
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
              maxWeight: s.PROFIT_MAX_WEIGHT,
            },
            (joined) => appendPropensityExamples(propensity, joined, logger),
            undefined,
            logger,
          )
        : undefined,
  },
];

/** Settled no-offer decisions are the purchase-propensity model's training examples (see propensityExample). */
function appendPropensityExamples(propensity: PropensityStore, joined: readonly JoinedDecision[], logger: Logger): void {
  const examples = joined.flatMap((d) => propensityExample(d) ?? []);
  // A lost example only delays the next propensity refit; settlement must not wait for or fail on it.
  Promise.all(examples.map((e) => propensity.append(e))).catch((e: unknown) =>
    logger.warn('could not append propensity examples', { error: e, examples: examples.length }),
  );
}

const features: Provider[] = [
  {
    provide: FEATURE_SOURCE,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, c: Config): FeatureSource => {
      const s = c.service;
      let source: FeatureSource = new EmptyFeatureSource();
      if (s.FEATURE_SOURCE === 'feature-store') {
        const fsConfig = loadFeatureStoreConfig(c.env);
        source = new FeatureStoreAdapter(new FeatureStoreReader(redis, fsConfig), redis, fsConfig);
      }
      const withNlp = new NlpSignalSource(source, redis);
      return s.ITEM_CACHE_MS > 0 ? new CachedFeatureSource(withNlp, s.ITEM_CACHE_MS) : withNlp;
    },
  },
  {
    // Graph candidates are optional: without the URL (or when the worker does not answer) the blend renormalises.
    provide: GNN_CANDIDATES,
    inject: [DECISION_CONFIG, DecisionMetrics, SERVICE_LOGGER],
    useFactory: ({ service: s }: Config, metrics: DecisionMetrics, logger: Logger): HttpGnnCandidateSource | undefined =>
      s.GNN_CANDIDATES_URL
        ? new HttpGnnCandidateSource(
            s.GNN_CANDIDATES_URL,
            { timeoutMs: s.GNN_TIMEOUT_MS, onFailure: (reason) => metrics.gnnFailures.inc({ reason }) },
            logger,
          )
        : undefined,
  },
  {
    provide: CandidateGenerator,
    inject: [FEATURE_SOURCE, GNN_CANDIDATES, SERVICE_LOGGER],
    useFactory: (source: FeatureSource, gnn: HttpGnnCandidateSource | undefined, logger: Logger) =>
      new CandidateGenerator(source, gnn, undefined, logger),
  },
];

const engine: Provider[] = [
  {
    provide: DecisionEngine,
    inject: [
      DECISION_CONFIG,
      FEATURE_SOURCE,
      CandidateGenerator,
      GNN_CANDIDATES,
      CampaignCache,
      ReservationStore,
      OfferRecordStore,
      DecisionOutcomeStore,
      ProfitModelStore,
      BudgetPacer,
      PropensityStore,
      SERVICE_LOGGER,
    ],
    useFactory: (
      { service: s }: Config,
      source: FeatureSource,
      candidates: CandidateGenerator,
      gnn: HttpGnnCandidateSource | undefined,
      cache: CampaignCache,
      reservations: ReservationStore,
      records: OfferRecordStore,
      outcomes: DecisionOutcomeStore,
      profit: ProfitModelStore,
      pacing: BudgetPacer,
      propensity: PropensityStore,
      logger: Logger,
    ) =>
      new DecisionEngine(
        {
          features: source,
          candidates,
          ...(gnn ? { gnnName: () => gnn.name } : {}),
          campaigns: () => cache.all,
          reservations,
          records,
          outcomes,
          profit,
          pacing,
          propensity,
          logger,
        },
        {
          defaultMarginRate: s.DEFAULT_MARGIN_RATE,
          candidateCount: s.CANDIDATES,
          defaultMaxItems: s.MAX_ITEMS,
          policy: { minActionExamples: s.POLICY_MIN_ACTION_EXAMPLES, caution: s.POLICY_CAUTION },
          explorationMax: s.EXPLORATION_MAX,
          explorationMin: s.EXPLORATION_MIN,
          explorationScale: s.EXPLORATION_SCALE,
        },
      ),
  },
  {
    provide: CampaignLearning,
    inject: [REDIS, OfferRecordStore, ReservationStore, DecisionOutcomeStore, FEATURE_SOURCE, DECISION_CONFIG, SERVICE_LOGGER],
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
        },
        logger,
      ),
  },
];

const triggers: Provider[] = [
  {
    provide: CartAbandonTrigger,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: Config) => new CartAbandonTrigger(redis, s.CART_IDLE_MS, s.CART_LEASE_MS),
  },
  {
    provide: ClickstreamTriggers,
    inject: [REDIS, DECISION_CONFIG, CartAbandonTrigger, CampaignLearning, FEATURE_SOURCE],
    useFactory: (redis: RedisClient, { service: s }: Config, carts: CartAbandonTrigger, learning: CampaignLearning, source: FeatureSource) =>
      new ClickstreamTriggers(
        carts,
        new CategoryBrowseTrigger(redis, { views: s.BROWSE_VIEWS, windowMs: s.BROWSE_WINDOW_MS }),
        learning,
        async (itemId) => (await source.items([itemId])).get(itemId)?.categoryPath,
      ),
  },
];

const publishing: Provider[] = [
  DecisionMetrics,
  {
    provide: OfferPublisher,
    inject: [EVENT_PRODUCER, SERVICE_LOGGER, DecisionMetrics, OfferRecordStore],
    useFactory: (producer: EventProducer, logger: Logger, metrics: DecisionMetrics, records: OfferRecordStore) =>
      new OfferPublisher(producer, logger, (n) => metrics.publishFailures.inc(n), (offers) =>
        // Not marking only costs a repeat of the same offer (same id) if its trigger is ever redelivered.
        records.markPublished(offers).catch((e: unknown) => logger.warn('could not mark offers as published', { error: e, offers: offers.length })),
      ),
  },
];

/** The library objects one instance decides with, each built once from validated config and shared. */
export const decisionProviders: Provider[] = [...campaignProviders, ...stores, ...features, ...engine, ...triggers, ...publishing];
