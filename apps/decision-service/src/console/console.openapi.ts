import { z } from 'zod';
import { offerType, triggerKind } from '@offerstream/contracts';
import type { CampaignSeriesPoint, ChannelFigures, FeedOffer, OfferMix } from '@offerstream/decision';
import { responseSchema, ROLES, type ControllerDoc } from '@offerstream/platform';
import type { Interval } from '@offerstream/uplift';
import { ConsoleInsightsController } from './console-insights.controller';
import { ConsoleSessionController, type ConsoleSession } from './console-session.controller';
import { ConsoleController } from './console.controller';
import type { ConsumerLag } from './consumer-lag.reader';
import { ModelStatusController, type ModelStatus } from './model-status.controller';
import { UserLookupController, type UserLookup } from './user-lookup.controller';

const interval = responseSchema<Interval>()(
  z.object({ estimate: z.number(), lower: z.number(), upper: z.number(), level: z.number() }),
);
const seriesPoint = responseSchema<CampaignSeriesPoint>()(
  z.object({
    at: z.number().describe('Start of the sampling bucket, ms since the epoch'),
    reservedSpend: z.number(),
    offersMade: z.number(),
    treatedCustomers: z.number(),
    holdoutCustomers: z.number(),
    incrementalConversions: interval.nullable(),
    incrementalGrossProfit: interval.nullable(),
  }),
);
const counts = z.record(z.string(), z.number());
const offerMix = responseSchema<OfferMix & { campaignId: string }>()(
  z.object({ campaignId: z.string(), offerType: counts, trigger: counts, channel: counts, placement: counts }),
);
const channelFigures = responseSchema<{ campaignId: string; channels: ChannelFigures[] }>()(
  z.object({
    campaignId: z.string(),
    channels: z.array(
      z.object({
        channel: z.string(),
        offers: z.number().describe('Offers made on the channel'),
        outcomes: counts.describe('Outcomes reported for them: delivered, impression, click, redeem, dismiss, expire'),
        redeemRate: z.number().describe('Mean of the Beta posterior of the redeem rate the channel choice draws from'),
      }),
    ),
  }),
);
const feedOffer = responseSchema<FeedOffer>()(
  z.object({
    offerId: z.string(),
    userId: z.string(),
    campaignId: z.string(),
    offerType,
    value: z.number(),
    trigger: triggerKind,
    placement: z.string().optional(),
    channel: z.string().optional(),
    appliesTo: z.enum(['viewed_item', 'cart', 'order', 'recommended']).optional(),
    items: z.array(z.string()),
    reasonCodes: z.array(z.string()),
    expectedIncrementalProfit: z.number(),
    probability: z.number(),
    expiresAt: z.string(),
    publishedAt: z.number().describe('When Kafka acknowledged it, ms since the epoch'),
  }),
);
const consumerLag = responseSchema<ConsumerLag>()(
  z.object({
    group: z.string(),
    topic: z.string(),
    lag: z.number(),
    partitions: z.array(z.object({ partition: z.number(), committed: z.number(), end: z.number(), lag: z.number() })),
  }),
);
const modelStatus = responseSchema<ModelStatus>()(
  z.object({
    profit: z.object({
      published: z
        .object({
          seq: z.number(),
          features: z.string(),
          examples: z.number(),
          promotion: z.record(z.string(), z.unknown()).describe('The off-policy evaluation it was promoted on'),
          publishedAt: z.string(),
        })
        .nullable(),
      serving: z.string().nullable(),
      joinedDecisions: z.number(),
      pendingDecisions: z.number(),
      refitCovered: z.number().describe('Joined decisions the latest finished refit attempt saw, promoted or not'),
      lastRefit: z
        .object({
          outcome: z
            .enum(['published', 'not_better', 'superseded'])
            .describe('not_better: refused by the promotion check; superseded: another instance published first'),
          covered: z.number(),
          at: z.string(),
          seq: z.number().optional().describe('The sequence number it was published under'),
          promotion: z.record(z.string(), z.unknown()).describe("The promotion check's reason and figures"),
        })
        .nullable()
        .describe('The latest finished refit attempt, promoted or not; null before the first'),
    }),
    propensity: z
      .object({
        seq: z.number(),
        examples: z.number(),
        heldOutLogLoss: z.number(),
        previousLogLoss: z.number(),
        publishedAt: z.string(),
      })
      .nullable(),
    gnn: z.object({
      configured: z.boolean(),
      status: z.unknown().optional().describe("The gnn-worker's GET /model answer"),
      error: z.string().optional(),
    }),
  }),
);
const userLookup = responseSchema<UserLookup>()(
  z
    .custom<UserLookup>()
    .describe(
      'userId; features (the policy inputs: profile, segment, RFM, intent; null for an unknown user); candidates ' +
        '(items ranked now, with their sources); latest (the latest decision in its attribution window with each ' +
        "action's probability and estimate); offers (the cap history, newest first). Shape: UserLookup in " +
        'apps/decision-service/src/console/user-lookup.controller.ts',
    ),
);

const campaignId = z.string().min(1).max(64);
const notFound = { 404: 'No campaign with this id' };
const page = { mediaType: 'text/html', description: 'The console page (assets from /console/assets)' };

/** The marketer's console: its page and assets (open; they carry no data) and the JSON it reads (role reader). */
export const CONSOLE_API: readonly ControllerDoc[] = [
  {
    controller: ConsoleController,
    operations: {
      page: { summary: 'The console (asks for an API key, kept in the tab’s session storage)', response: page },
      asset: {
        summary: 'A console script, stylesheet or vendored library',
        params: { name: z.string() },
        response: { mediaType: 'application/octet-stream', description: 'The asset, with its own content type' },
        errors: { 404: 'No such asset' },
      },
      dashboard: {
        summary: 'The former dashboard: redirects to /console',
        response: { mediaType: 'text/plain', description: 'Moved permanently (301 to /console)' },
      },
    },
  },
  {
    controller: ConsoleSessionController,
    operations: {
      session: {
        summary: 'The key the console is signed in with: its name and roles (any known key)',
        response: responseSchema<ConsoleSession>()(
          z.object({ name: z.string().nullable(), roles: z.array(z.enum(ROLES)) }),
        ),
      },
    },
  },
  {
    controller: ConsoleInsightsController,
    operations: {
      campaignSeries: {
        summary: 'A campaign’s sampled budget and incrementality figures over time',
        params: { id: campaignId },
        response: z.object({ campaignId: z.string(), points: z.array(seriesPoint) }),
        errors: notFound,
      },
      offerMix: {
        summary: 'A campaign’s offers by type, trigger, channel and placement',
        params: { id: campaignId },
        response: offerMix,
        errors: notFound,
      },
      channelFigures: {
        summary: 'A campaign’s channels: offers made, their outcomes and the redeem rate learned on each',
        params: { id: campaignId },
        response: channelFigures,
        errors: notFound,
      },
      recentOffers: {
        summary: 'The latest published offers, newest first',
        query: { limit: z.coerce.number().int().min(1).max(500).optional() },
        response: z.array(feedOffer),
      },
    },
  },
  {
    controller: ModelStatusController,
    operations: {
      models: { summary: 'Profit, propensity and GNN model versions, age and evaluation', response: modelStatus },
      consumerLag: { summary: 'Lag of the decision service’s consumer groups', response: z.array(consumerLag) },
    },
  },
  {
    controller: UserLookupController,
    operations: {
      lookup: {
        summary: 'One user as the decision service sees them: features, candidates, offers and the latest decision',
        params: { id: z.string().min(1).max(128) },
        response: userLookup,
      },
    },
  },
];
