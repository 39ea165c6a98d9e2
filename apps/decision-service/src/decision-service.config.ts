import { z } from 'zod';
import { ConfigError, envField, loadEnvConfig } from '@offerstream/core';
import { loadKafkaEnv } from '@offerstream/kafka';
import { loadRedisEnv } from '@offerstream/redis';

export function loadDecisionServiceConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = {
    env,
    kafka: loadKafkaEnv(env),
    redis: loadRedisEnv(env),
    service: loadEnvConfig(
      {
        PORT: envField.int(3000, 1, 65535),
        CONSUMER_GROUP: envField.str('offerstream.decision-service'),
        PARTITIONS_CONCURRENTLY: envField.int(6, 1, 64),
        /** Decisions run at once within one consumed batch. */
        DECISION_CONCURRENCY: envField.int(32, 1, 1024),
        /** Where user and item features come from: the feature store, or nothing (every user a cold start). */
        FEATURE_SOURCE: z.enum(['feature-store', 'none']).default('feature-store'),
        /** Item features and neighbour lists are reused this long, then refreshed in the background (stale stock). */
        ITEM_CACHE_MS: envField.int(2_000, 0, 3_600_000),
        /** gnn-worker base URL (e.g. http://gnn-worker:3003); empty means no graph candidates. */
        GNN_CANDIDATES_URL: z.string().url().optional(),
        /** A key with the gnn-worker's reader role, when the worker checks API keys. */
        GNN_CANDIDATES_API_KEY: z.string().min(1).optional(),
        GNN_TIMEOUT_MS: envField.int(25, 1, 10_000),
        /** A user's graph candidates are reused this long (one call per user, not per decision). */
        GNN_CACHE_MS: envField.int(30_000, 0, 3_600_000),
        CART_IDLE_MS: envField.int(30 * 60_000, 100, 30 * 86_400_000),
        CART_POLL_MS: envField.int(500, 20, 60_000),
        CART_LEASE_MS: envField.int(30_000, 1_000, 3_600_000),
        BROWSE_VIEWS: envField.int(3, 2, 100),
        BROWSE_WINDOW_MS: envField.int(3_600_000, 1_000, 30 * 86_400_000),
        /** A search that maps to a shop category (the feature store's category index) counts as this many views. */
        BROWSE_SEARCH_VIEWS: envField.int(2, 1, 100),
        /** A user's intent in the shop's categories (from searches and reviews) lasts this long after the latest. */
        INTENT_WINDOW_MS: envField.int(86_400_000, 60_000, 30 * 86_400_000),
        CAMPAIGN_POLL_MS: envField.int(1_000, 50, 600_000),
        /** How often instances look for a newly published incremental-profit model. */
        PROFIT_POLL_MS: envField.int(2_000, 50, 600_000),
        /** Exploration share with no joined decisions, its floor, and the decisions over which it decays (1/sqrt). */
        EXPLORATION_MAX: envField.num(0.4, 0, 1),
        EXPLORATION_MIN: envField.num(0.05, 0, 1),
        EXPLORATION_SCALE: envField.int(700, 1, 1e9),
        /** Joined decisions an action needs before its learned estimate is used, and standard errors it must clear. */
        POLICY_MIN_ACTION_EXAMPLES: envField.int(100, 1, 1e9),
        // 0 since 2026-12-07: with the segments' counted responses, 0.5 held back offers that paid (closed loop on four
        // development markets, docs/benchmarks.md, "Caution measured again"); exploration and support still gate them.
        POLICY_CAUTION: envField.num(0, 0, 10),
        /** Spend exploration on the alternatives by their chance of beating the chosen action (false: per action). */
        POLICY_EXPLORE_BY_CHANCE: envField.bool(true),
        /** Settling decisions whose attribution window closed, and refitting the profit model from them. */
        LEARNING_SETTLE_MS: envField.int(5_000, 50, 3_600_000),
        PROFIT_REFIT: envField.bool(true),
        PROFIT_REFIT_MS: envField.int(60_000, 500, 7 * 86_400_000),
        PROFIT_MIN_NEW: envField.int(500, 1, 10_000_000),
        PROFIT_LOG_MAX: envField.int(50_000, 100, 5_000_000),
        PROFIT_HELD_OUT_SHARE: envField.num(0.25, 0.05, 0.5),
        PROFIT_LAMBDA: envField.num(1, 0.000001, 1e6),
        /** Candidate strengths of the prior that offers change nothing, chosen per refit by cross-validation. */
        PROFIT_OFFER_LAMBDAS: envField
          .list('1,4,16,64')
          .pipe(z.array(z.string().transform(Number).pipe(z.number().positive().max(1e6)))),
        /**
         * Candidate strengths of the prior that all offers share one "any offer" effect (1e6: none shared), chosen
         * jointly with PROFIT_OFFER_LAMBDAS: offers with few decisions borrow strength from the others.
         */
        PROFIT_POOL_LAMBDAS: envField
          .list('1,4,16,64,1000000')
          .pipe(z.array(z.string().transform(Number).pipe(z.number().positive().max(1e6)))),
        /**
         * Bins of the no-offer purchase likelihood whose effect each offer learns with the weak prior below (0: none),
         * and that prior's share of the offers' strength (also on their intercepts). A list is a grid for the CV.
         */
        PROFIT_BASELINE_BINS: envField.int(0, 0, 50),
        PROFIT_WEAK_SHRINKAGE: envField
          .list('1')
          .pipe(z.array(z.string().transform(Number).pipe(z.number().positive().max(1)))),
        PROFIT_MAX_WEIGHT: envField.num(20, 1, 1e6),
        /** Let offers' effects differ per combination of session views and past purchases (POLICY_INTERACTIONS). */
        PROFIT_INTERACTIONS: envField.bool(false),
        /** Learn latent behaviour segments (POLICY_SEGMENT_GROUPS) whose offer effects the model weighs apart. */
        PROFIT_SEGMENTS: envField.bool(true),
        /**
         * With PROFIT_SEGMENTS: fit the segments to how shoppers answered the offers too, and take each offer's effect
         * from the segments' purchase rates (docs/ope.md, "Segment responses"). Off until offers made are paced: it
         * finds more offers worth making, and a campaign capped on count then runs out early (docs/benchmarks.md).
         */
        PROFIT_SEGMENT_RESPONSES: envField.bool(true),
        /**
         * Fit this many models per refit, each on a random PROFIT_BAG_SHARE of the log, and serve their average (1:
         * one fit on everything). Off by default: not better across the replayed markets (docs/benchmarks.md, "Bagged
         * fits served") and about 3.5 times the refit's CPU.
         */
        PROFIT_BAGS: envField.int(1, 1, 50),
        PROFIT_BAG_SHARE: envField.num(0.7, 0.1, 1),
        PROFIT_LOCK_MS: envField.int(300_000, 1_000, 86_400_000),
        /** Budget pacing: ledger refresh, how fast the shadow price rises with overspend, and its ceiling. */
        PACING_REFRESH_MS: envField.int(2_000, 50, 600_000),
        PACING_GAIN: envField.num(1, 0, 100),
        PACING_MAX_PRICE: envField.num(5, 0, 1_000),
        /** Whether offers made (budget.count) are paced too: a price per offer, a quantile of recent gains. */
        PACING_OFFERS: envField.bool(true),
        DEFAULT_MARGIN_RATE: envField.num(0.3, 0, 1),
        CANDIDATES: envField.int(100, 1, 1_000),
        MAX_ITEMS: envField.int(3, 1, 100),
        TRIGGER_ONCE_TTL_S: envField.int(7 * 86_400, 60, 90 * 86_400),
        HISTORY_TTL_H: envField.int(30 * 24, 1, 365 * 24),
        /** An offer's budget reservation is released this long after its expiry when no outcome settled it. */
        BUDGET_RELEASE_GRACE_MS: envField.int(3_600_000, 0, 30 * 86_400_000),
        /** How often each instance releases the reservations whose window has passed. */
        BUDGET_SWEEP_MS: envField.int(10_000, 100, 3_600_000),
        /** Offers recorded but not acknowledged by Kafka this long are published by the outbox sweep. */
        OUTBOX_GRACE_MS: envField.int(30_000, 1_000, 86_400_000),
        /**
         * Learned purchase propensity: refit interval, new outcome examples needed, log size, held-out share, epochs.
         */
        PROPENSITY_REFIT: envField.bool(true),
        PROPENSITY_REFIT_MS: envField.int(600_000, 1_000, 7 * 86_400_000),
        PROPENSITY_MIN_NEW: envField.int(500, 1, 10_000_000),
        PROPENSITY_LOG_MAX: envField.int(20_000, 100, 1_000_000),
        PROPENSITY_HELD_OUT_SHARE: envField.num(0.2, 0.05, 0.5),
        PROPENSITY_EPOCHS: envField.int(300, 1, 10_000),
        /** Expiry of the refit lock: longer than a refit takes, so only a crashed refitter loses it. */
        PROPENSITY_LOCK_MS: envField.int(300_000, 1_000, 86_400_000),
        PROPENSITY_POLL_MS: envField.int(2_000, 50, 600_000),
        /** Console: how often each campaign's report is sampled into its time series, and points kept per campaign. */
        SERIES_SAMPLE_MS: envField.int(60_000, 100, 86_400_000),
        SERIES_MAX_POINTS: envField.int(2_880, 10, 100_000),
        /** Console: latest published offers kept for the live feed. */
        FEED_MAX: envField.int(500, 10, 100_000),
        /** Differential privacy: the whole epsilon of one campaign's exported private reports, over its life. */
        DP_REPORT_EPSILON_BUDGET: envField.num(1, 0.01, 100),
        ATTRIBUTION_WINDOW_H: envField.num(7 * 24, 0.001, 90 * 24),
        /** Creates a campaign at boot when none exists, so a fresh stack makes offers out of the box. */
        DEFAULT_CAMPAIGN: envField.bool(true),
        DEFAULT_CAMPAIGN_SPEND: envField.num(10_000, 0, 1e9),
        DEFAULT_CAMPAIGN_COUNT: envField.int(100_000, 0, 1e9),
        DEFAULT_CAMPAIGN_HOLDOUT: envField.num(0.1, 0, 0.9),
      },
      env,
    ),
  };
  // A GNN worker in production checks keys (AUTH_MODE=off is refused there): calling it without one only fails later.
  const s = config.service;
  if (env['NODE_ENV'] === 'production' && s.GNN_CANDIDATES_URL !== undefined && s.GNN_CANDIDATES_API_KEY === undefined)
    throw new ConfigError(
      'GNN_CANDIDATES_API_KEY',
      'GNN_CANDIDATES_URL is set and NODE_ENV=production: give the decision service its key with the reader role on the gnn-worker',
    );
  return config;
}
export type DecisionServiceConfig = ReturnType<typeof loadDecisionServiceConfig>;
