import type { Provider } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import {
  BudgetPacer,
  CachedFeatureSource,
  CampaignCache,
  CampaignLearning,
  CandidateGenerator,
  CartAbandonTrigger,
  ChannelEvidenceStore,
  CategoryBrowseTrigger,
  CategoryIntentSource,
  ClickstreamTriggers,
  DecisionEngine,
  DecisionOutcomeStore,
  EmptyFeatureSource,
  FeatureStoreAdapter,
  HttpGnnCandidateSource,
  NlpSignalSource,
  OfferActivityStore,
  OfferRecordStore,
  ProfitModelStore,
  PropensityStore,
  ReservationStore,
  UserCategoryIntent,
  UserKnnCandidateSource,
  type FeatureSource,
} from '@offerstream/decision';
import {
  CategoryIntentReader,
  FeatureStoreReader,
  loadFeatureStoreConfig,
  NearestUsersReader,
} from '@offerstream/feature-store';
import type { EventProducer } from '@offerstream/kafka';
import { EVENT_PRODUCER, REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { DecisionMetrics } from './decision-metrics';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG, FEATURE_SOURCE, GNN_CANDIDATES, USER_CANDIDATES } from './decision-service.tokens';
import { claimedDecisions, OfferPublisher } from './offer-publisher';

type Config = DecisionServiceConfig;

/** Searches and reviews in the shop's categories: needs the feature store's category index. */
function userCategoryIntent(redis: RedisClient, c: Config): UserCategoryIntent | undefined {
  if (c.service.FEATURE_SOURCE !== 'feature-store') return undefined;
  const reader = new CategoryIntentReader(redis, loadFeatureStoreConfig(c.env).categoryIndex);
  return new UserCategoryIntent(redis, reader, { windowMs: c.service.INTENT_WINDOW_MS, max: 16 });
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
      let withNlp: FeatureSource = new NlpSignalSource(source, redis);
      const intent = userCategoryIntent(redis, c);
      if (intent) withNlp = new CategoryIntentSource(withNlp, intent);
      return s.ITEM_CACHE_MS > 0 ? new CachedFeatureSource(withNlp, s.ITEM_CACHE_MS) : withNlp;
    },
  },
  {
    // Graph candidates are optional: without the URL (or when the worker does not answer) the blend renormalises.
    provide: GNN_CANDIDATES,
    inject: [DECISION_CONFIG, DecisionMetrics, SERVICE_LOGGER],
    useFactory: (
      { service: s }: Config,
      metrics: DecisionMetrics,
      logger: Logger,
    ): HttpGnnCandidateSource | undefined =>
      s.GNN_CANDIDATES_URL
        ? new HttpGnnCandidateSource(
            s.GNN_CANDIDATES_URL,
            {
              timeoutMs: s.GNN_TIMEOUT_MS,
              cacheMs: s.GNN_CACHE_MS,
              ...(s.GNN_CANDIDATES_API_KEY ? { apiKey: s.GNN_CANDIDATES_API_KEY } : {}),
              onFailure: (reason) => metrics.gnnFailures.inc({ reason }),
            },
            logger,
          )
        : undefined,
  },
  {
    // Items of the nearest users by the incremental user vectors: on with the feature store unless
    // FS_USER_INDEX_TABLES=0 (the stream processor must run with the same FS_USER_INDEX_* settings).
    provide: USER_CANDIDATES,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, c: Config): UserKnnCandidateSource | undefined => {
      if (c.service.FEATURE_SOURCE !== 'feature-store') return undefined;
      const fsConfig = loadFeatureStoreConfig(c.env);
      const nearest = new NearestUsersReader(redis, fsConfig);
      return nearest.enabled ? new UserKnnCandidateSource(nearest, fsConfig.userIndex.neighbours) : undefined;
    },
  },
  {
    provide: CandidateGenerator,
    inject: [FEATURE_SOURCE, GNN_CANDIDATES, SERVICE_LOGGER, USER_CANDIDATES],
    useFactory: (
      source: FeatureSource,
      gnn: HttpGnnCandidateSource | undefined,
      logger: Logger,
      users: UserKnnCandidateSource | undefined,
    ) => new CandidateGenerator(source, gnn, undefined, logger, users),
  },
];

const engine: Provider[] = [
  {
    provide: ChannelEvidenceStore,
    inject: [REDIS],
    useFactory: (redis: RedisClient) => new ChannelEvidenceStore(redis),
  },
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
      ChannelEvidenceStore,
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
      channels: ChannelEvidenceStore,
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
          channels,
        },
        {
          defaultMarginRate: s.DEFAULT_MARGIN_RATE,
          candidateCount: s.CANDIDATES,
          defaultMaxItems: s.MAX_ITEMS,
          policy: {
            minActionExamples: s.POLICY_MIN_ACTION_EXAMPLES,
            caution: s.POLICY_CAUTION,
            explorationByChance: s.POLICY_EXPLORE_BY_CHANCE,
          },
          explorationMax: s.EXPLORATION_MAX,
          explorationMin: s.EXPLORATION_MIN,
          explorationScale: s.EXPLORATION_SCALE,
        },
      ),
  },
];

const triggers: Provider[] = [
  {
    provide: CartAbandonTrigger,
    inject: [REDIS, DECISION_CONFIG],
    useFactory: (redis: RedisClient, { service: s }: Config) =>
      new CartAbandonTrigger(redis, s.CART_IDLE_MS, s.CART_LEASE_MS),
  },
  {
    provide: ClickstreamTriggers,
    inject: [REDIS, DECISION_CONFIG, CartAbandonTrigger, CampaignLearning, FEATURE_SOURCE],
    useFactory: (
      redis: RedisClient,
      c: Config,
      carts: CartAbandonTrigger,
      learning: CampaignLearning,
      source: FeatureSource,
    ) => {
      const s = c.service;
      // Searches count toward a category through the feature store's category index (kept by the stream processor).
      const intent = userCategoryIntent(redis, c);
      const browse = new CategoryBrowseTrigger(
        redis,
        { views: s.BROWSE_VIEWS, windowMs: s.BROWSE_WINDOW_MS, searchViews: s.BROWSE_SEARCH_VIEWS },
        intent?.categories,
      );
      return new ClickstreamTriggers(
        carts,
        browse,
        learning,
        async (itemId) => (await source.items([itemId])).get(itemId)?.categoryPath,
        intent,
      );
    },
  },
];

const publishing: Provider[] = [
  DecisionMetrics,
  {
    provide: OfferPublisher,
    inject: [EVENT_PRODUCER, SERVICE_LOGGER, DecisionMetrics, OfferRecordStore, OfferActivityStore, ReservationStore],
    useFactory: (
      producer: EventProducer,
      logger: Logger,
      metrics: DecisionMetrics,
      records: OfferRecordStore,
      activity: OfferActivityStore,
      reservations: ReservationStore,
    ) =>
      new OfferPublisher(
        producer,
        logger,
        (n) => metrics.publishFailures.inc(n),
        async (offers, decisions) => {
          // The console's feed and offer mix are best effort and not awaited: they never delay, fail or retry a batch.
          if (offers.length > 0)
            activity
              .record(offers, Date.now())
              .catch((e: unknown) =>
                logger.warn('could not record offers for the console', { error: e, offers: offers.length }),
              );
          // Not marking or forgetting only costs a repeat of the same offer or record (same id) if its trigger is
          // ever redelivered.
          const claimed = claimedDecisions(decisions);
          await Promise.all([
            offers.length > 0
              ? records
                  .markPublished(offers)
                  .catch((e: unknown) =>
                    logger.warn('could not mark offers as published', { error: e, offers: offers.length }),
                  )
              : undefined,
            claimed.length > 0
              ? reservations
                  .forgetRecords(claimed)
                  .catch((e: unknown) =>
                    logger.warn('could not drop published decision records', { error: e, records: claimed.length }),
                  )
              : undefined,
          ]);
        },
      ),
  },
];
/** What turns a trigger into a published decision: features, candidates, the engine, triggers, publisher, metrics. */
export const decidingProviders: Provider[] = [...features, ...engine, ...triggers, ...publishing];
