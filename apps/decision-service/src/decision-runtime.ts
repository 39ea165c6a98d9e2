import type { Registry } from 'prom-client';
import type { Logger } from '@offerstream/core';
import {
  BanditStore,
  CachedFeatureSource,
  CampaignCache,
  CampaignConflictError,
  CampaignLearning,
  CampaignStore,
  CandidateGenerator,
  CartAbandonTrigger,
  CategoryBrowseTrigger,
  ClickstreamTriggers,
  CONTEXT_DIMENSION,
  DecisionEngine,
  EmptyFeatureSource,
  FeatureStoreAdapter,
  HttpGnnCandidateSource,
  NlpSignalSource,
  DEFAULT_PROPENSITY,
  OfferRecordStore,
  PropensityRefitJob,
  PropensityStore,
  ReservationStore,
  type Decision,
  type DecisionRequest,
  type FeatureSource,
} from '@offerstream/decision';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import type { EventProducer } from '@offerstream/kafka';
import type { RedisClient } from '@offerstream/redis';
import type { DecisionServiceConfig } from './decision-service.config';
import { DecisionMetrics } from './decision-metrics';
import { OfferPublisher } from './offer-publisher';

/** Outcome markers and settled budget reservations are remembered this long (redeliveries stay no-ops). */
const OUTCOME_MARKER_TTL_S = 30 * 86_400;

/** Everything one instance decides with, built once from validated config and shared by HTTP and consumers. */
export class DecisionRuntime {
  readonly campaigns: CampaignStore;
  readonly cache: CampaignCache;
  readonly bandit: BanditStore;
  readonly reservations: ReservationStore;
  readonly propensity: PropensityStore;
  readonly refit: PropensityRefitJob | undefined;
  readonly engine: DecisionEngine;
  readonly learning: CampaignLearning;
  readonly carts: CartAbandonTrigger;
  readonly clickstream: ClickstreamTriggers;
  readonly publisher: OfferPublisher;
  readonly metrics: DecisionMetrics;

  constructor(
    readonly config: DecisionServiceConfig,
    readonly redis: RedisClient,
    producer: EventProducer,
    registry: Registry,
    readonly logger: Logger,
  ) {
    const s = config.service;
    this.metrics = new DecisionMetrics(registry);
    this.campaigns = new CampaignStore(redis);
    this.cache = new CampaignCache(this.campaigns, s.CAMPAIGN_POLL_MS, logger);
    this.bandit = new BanditStore(
      redis,
      { dimension: CONTEXT_DIMENSION, lambda: 1, explorationScale: s.BANDIT_EXPLORATION, draws: s.BANDIT_DRAWS, epsilon: s.BANDIT_EPSILON, seed: Math.floor(Math.random() * 2 ** 31) },
      undefined,
      logger,
    );
    const source: FeatureSource =
      s.FEATURE_SOURCE === 'feature-store' ? this.featureStore(redis, config.env) : new EmptyFeatureSource();
    const withNlp = new NlpSignalSource(source, redis);
    const features = s.ITEM_CACHE_MS > 0 ? new CachedFeatureSource(withNlp, s.ITEM_CACHE_MS) : withNlp;
    const records = new OfferRecordStore(redis, 7 * 86_400);
    this.propensity = new PropensityStore(redis, { logMax: s.PROPENSITY_LOG_MAX, markerTtlSeconds: OUTCOME_MARKER_TTL_S }, DEFAULT_PROPENSITY, logger);
    this.refit = s.PROPENSITY_REFIT
      ? new PropensityRefitJob(
          this.propensity,
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
      : undefined;
    this.reservations = new ReservationStore(redis, {
      triggerOnceTtlSeconds: s.TRIGGER_ONCE_TTL_S,
      historyTtlMs: s.HISTORY_TTL_H * 3_600_000,
      releaseGraceMs: s.BUDGET_RELEASE_GRACE_MS,
      settledRetentionMs: OUTCOME_MARKER_TTL_S * 1000,
    });
    // Graph candidates are optional: without the URL (or when the worker does not answer) the blend renormalises.
    const gnn = s.GNN_CANDIDATES_URL ? new HttpGnnCandidateSource(s.GNN_CANDIDATES_URL, s.GNN_TIMEOUT_MS, logger) : undefined;
    this.engine = new DecisionEngine(
      {
        features,
        candidates: new CandidateGenerator(features, gnn, undefined, logger),
        ...(gnn ? { gnnName: () => gnn.name } : {}),
        campaigns: () => this.cache.all,
        bandit: this.bandit,
        reservations: this.reservations,
        records,
        propensity: this.propensity,
        logger,
      },
      { defaultMarginRate: s.DEFAULT_MARGIN_RATE, candidateCount: s.CANDIDATES, defaultMaxItems: s.MAX_ITEMS },
    );
    this.learning = new CampaignLearning(
      redis,
      records,
      this.bandit,
      this.reservations,
      { attributionWindowMs: s.ATTRIBUTION_WINDOW_H * 3_600_000, markerTtlSeconds: OUTCOME_MARKER_TTL_S },
      logger,
      this.propensity,
    );
    this.carts = new CartAbandonTrigger(redis, s.CART_IDLE_MS, s.CART_LEASE_MS);
    this.clickstream = new ClickstreamTriggers(
      this.carts,
      new CategoryBrowseTrigger(redis, { views: s.BROWSE_VIEWS, windowMs: s.BROWSE_WINDOW_MS }),
      this.learning,
      async (itemId) => (await features.items([itemId])).get(itemId)?.categoryPath,
    );
    this.publisher = new OfferPublisher(producer, logger, (n) => this.metrics.publishFailures.inc(n), (offers) =>
      // Not marking only costs a repeat of the same offer (same id) if its trigger is ever redelivered.
      records.markPublished(offers).catch((e: unknown) => logger.warn('could not mark offers as published', { error: e, offers: offers.length })),
    );
  }

  private featureStore(redis: RedisClient, env: NodeJS.ProcessEnv): FeatureSource {
    const fsConfig = loadFeatureStoreConfig(env);
    return new FeatureStoreAdapter(new FeatureStoreReader(redis, fsConfig), redis, fsConfig);
  }

  async start(): Promise<void> {
    await this.ensureDefaultCampaign();
    await this.cache.start();
    await this.bandit.start(this.config.service.BANDIT_POLL_MS);
    await this.propensity.start(this.config.service.PROPENSITY_POLL_MS);
    this.refit?.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.cache.stop(), this.bandit.stop(), this.propensity.stop(), this.refit?.stop()]);
  }

  async decide(req: DecisionRequest): Promise<Decision> {
    const started = process.hrtime.bigint();
    const d = await this.engine.decide(req);
    this.metrics.observe(req, d, started);
    if (d.kind !== 'offer') this.logger.debug('decision without offer', { triggerId: d.triggerId, kind: d.kind, reason: d.reason, campaignId: d.campaignId });
    return d;
  }

  /** Decides many requests with bounded concurrency and publishes offers and decision records before returning. */
  async decideAndPublish(reqs: readonly DecisionRequest[]): Promise<Decision[]> {
    const out: Decision[] = new Array<Decision>(reqs.length);
    // Each decision is handed to the group-committing publisher as soon as it is taken, instead of after the whole
    // batch: the first offers of a batch no longer wait for its slowest decision. All are awaited before returning,
    // so offers and decision records are durable before the batch is committed.
    const published: Promise<{ error: unknown } | undefined>[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < reqs.length) {
        const i = next++;
        const d = await this.decide(reqs[i] as DecisionRequest);
        out[i] = d;
        // The handler is attached at once: a send failing while other decisions run is not an unhandled rejection.
        if (d.offer || d.record) published.push(this.publisher.publish([d]).then(() => undefined, (e: unknown) => ({ error: e })));
      }
    };
    const decided = await Promise.allSettled(
      Array.from({ length: Math.min(this.config.service.DECISION_CONCURRENCY, reqs.length) }, worker),
    );
    // Every publish already started is settled before any error propagates.
    const sent = await Promise.all(published);
    for (const r of decided) if (r.status === 'rejected') throw r.reason;
    const failed = sent.find((r) => r !== undefined);
    if (failed) throw failed.error;
    return out;
  }

  private async ensureDefaultCampaign(): Promise<void> {
    const s = this.config.service;
    if (!s.DEFAULT_CAMPAIGN || (await this.campaigns.list()).length > 0) return;
    try {
      await this.campaigns.create({
        id: 'default',
        name: 'Default campaign (created at boot)',
        budget: { spend: s.DEFAULT_CAMPAIGN_SPEND, count: s.DEFAULT_CAMPAIGN_COUNT },
        holdoutShare: s.DEFAULT_CAMPAIGN_HOLDOUT,
      });
      this.logger.info('created the default campaign');
    } catch (e) {
      // Another instance booting at the same moment created it first.
      if (!(e instanceof CampaignConflictError)) throw e;
    }
  }
}
