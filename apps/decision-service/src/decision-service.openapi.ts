import { z } from 'zod';
import { offer } from '@offerstream/contracts';
import {
  campaign,
  campaignCreate,
  campaignUpdate,
  httpDecisionBody,
  type CampaignReport,
  type Decision,
  type ErasureReport,
  type GroupFigures,
  type NoisyCell,
  type PrivateCampaignReport,
} from '@offerstream/decision';
import { responseSchema, type ApiInfo, type ControllerDoc } from '@offerstream/platform';
import type { Interval, PolicyEvaluation } from '@offerstream/uplift';
import { CampaignsController } from './campaigns.controller';
import { CONSOLE_API } from './console/console.openapi';
import { DecisionsController } from './decisions.controller';
import { PrivateReportController, privateReportQuery } from './private-report.controller';
import { SEGMENTS_API } from './segments.openapi';
import { erasureRequest, UsersController } from './users.controller';

export const DECISION_SERVICE_API_INFO: ApiInfo = {
  title: 'OfferStream decision-service',
  version: '1.0.0',
  description:
    'On-site decisions (one personalized offer or a reasoned no-offer per request) and campaign administration. ' +
    'Every route but health, metrics and these docs needs an API key holding the route’s role.',
};

const decision = responseSchema<Omit<Decision, 'record'>>()(
  z.object({
    decisionId: z.string().describe('Derived from the trigger; a duplicate names the decision it repeats'),
    kind: z.enum(['offer', 'holdout', 'no_offer', 'duplicate']),
    reason: z.string().describe('Machine-readable: offer, holdout, policy_chose_no_offer, cap, cooldown, budget_…'),
    triggerId: z.string(),
    userId: z.string(),
    campaignId: z.string().optional(),
    offer: offer.optional().describe('The offer, as published on the offers topic (kind offer only)'),
    reasonCodes: z.array(z.string()),
    probability: z.number().min(0).max(1).optional().describe('Probability the policy had of this choice'),
  }),
);

const interval = responseSchema<Interval>()(
  z.object({ estimate: z.number(), lower: z.number(), upper: z.number(), level: z.number() }),
);
const groupFigures = responseSchema<GroupFigures>()(
  z.object({
    customers: z.number(),
    conversions: z.number(),
    orders: z.number(),
    revenue: z.number(),
    conversionRate: z.number().nullable(),
    revenuePerCustomer: z.number().nullable(),
    grossProfit: z.number(),
    grossProfitPerCustomer: z.number().nullable(),
    revenueWithoutCost: z.number(),
  }),
);
const campaignReport = responseSchema<CampaignReport>()(
  z.object({
    campaignId: z.string(),
    status: z.enum(['active', 'paused']),
    budget: z.object({
      spendLimit: z.number(),
      countLimit: z.number(),
      reservedSpend: z.number(),
      offers: z.number(),
      offersMade: z.number(),
      openSpend: z.number(),
      openOffers: z.number(),
      redeemedSpend: z.number(),
      redeemedOffers: z.number(),
      releasedSpend: z.number(),
      releasedOffers: z.number(),
      releasedUnreported: z.number(),
      lateRedeemedSpend: z.number(),
      lateRedeemedOffers: z.number(),
    }),
    outcomes: z.record(z.string(), z.number()),
    redemptions: z.number(),
    redeemedSpend: z.number(),
    redeemedRevenue: z.number(),
    treated: groupFigures,
    holdout: groupFigures,
    incrementalConversionRate: interval.nullable(),
    incrementalConversions: interval.nullable(),
    incrementalRevenuePerCustomer: interval.nullable(),
    incrementalRevenue: interval.nullable(),
    incrementalGrossProfit: interval.nullable().describe('Treated minus holdout gross profit, Welch 95% interval'),
    costCoverage: z.number().nullable(),
    offPolicy: z
      .custom<PolicyEvaluation>()
      .nullable()
      .describe('IPS, SNIPS and doubly robust values per policy with 95% intervals (docs/ope.md)'),
  }),
);

const campaignId = z.string().min(1).max(64).describe('Campaign id');
const erasureReport = responseSchema<ErasureReport & { requestId: string }>()(
  z.object({
    userId: z.string(),
    requestId: z.string(),
    erasedAt: z.string().describe('ISO-8601'),
    removed: z
      .object({
        featureStore: z.number(),
        nlp: z.number(),
        decision: z.number(),
        gnn: z.number().nullable().describe('null: the GNN interaction log is erased by the erasure topic consumer'),
      })
      .describe('Keys and entries removed per owner; 0 on a repeated request'),
  }),
);
const notFound = { 404: 'No campaign with this id' };
const noisyCell = responseSchema<NoisyCell>()(
  z.object({
    users: z.number().int().describe('Noisy count, rounded, at least 0'),
    conversions: z.number().int().describe('Noisy count, rounded, at least 0'),
    conversionRate: z.number().min(0).max(1).nullable().describe('Of the noisy counts; null when users is 0'),
  }),
);
const privateReport = responseSchema<PrivateCampaignReport>()(
  z.object({
    campaignId: z.string(),
    mechanism: z.literal('laplace'),
    epsilon: z.number().describe('Spent by this export'),
    epsilonRemaining: z.number().describe("Left of the campaign's budget (DP_REPORT_EPSILON_BUDGET)"),
    sensitivity: z.number().describe('L1 sensitivity of the released counts (one user)'),
    noiseScale: z.number().describe('Laplace scale b = sensitivity / epsilon'),
    groups: z.object({ treated: noisyCell, holdout: noisyCell }),
    segments: z.record(z.string(), noisyCell).describe('Requested segments and "other"'),
  }),
);

export const DECISION_SERVICE_API: readonly ControllerDoc[] = [
  {
    controller: DecisionsController,
    operations: {
      decide: {
        summary: 'Decide now: one offer for this user and placement, or no offer with the reason',
        description:
          'Idempotent per requestId (a retry gets the same decision, kind duplicate); requestId is required unless ' +
          'the key also holds the internal role. A stated item price is never used: offers are costed on catalog ' +
          'prices. The offer and the decision record are also written to the offers and decisions topics.',
        body: httpDecisionBody,
        response: decision,
        errors: {
          400: 'Invalid body, or no requestId from a key without the internal role (VALIDATION_FAILED)',
          422: 'A stated price for an item the catalog does not price (PRICE_NOT_IN_CATALOG)',
        },
      },
    },
  },
  {
    controller: CampaignsController,
    operations: {
      create: {
        summary: 'Create a campaign (audited)',
        body: campaignCreate,
        response: campaign,
        errors: { 409: 'A campaign with this id exists' },
      },
      list: { summary: 'Every campaign', response: z.array(campaign) },
      get: { summary: 'One campaign', params: { id: campaignId }, response: campaign, errors: notFound },
      update: {
        summary: 'Change a campaign (audited); nested objects are merged, then the whole campaign is validated',
        params: { id: campaignId },
        body: campaignUpdate,
        response: campaign,
        errors: notFound,
      },
      pause: {
        summary: 'Pause: no new offers (audited)',
        params: { id: campaignId },
        response: campaign,
        errors: notFound,
      },
      resume: {
        summary: 'Resume a paused campaign (audited)',
        params: { id: campaignId },
        response: campaign,
        errors: notFound,
      },
      report: {
        summary: 'Budget, outcome funnel, treated vs holdout with intervals, and off-policy estimates',
        params: { id: campaignId },
        response: campaignReport,
        errors: notFound,
      },
    },
  },
  {
    controller: PrivateReportController,
    operations: {
      privateReport: {
        summary: 'Counts and conversion rates with differential privacy (Laplace noise), for export (audited)',
        description:
          'Treated vs holdout and per segment (users by the segment of their latest decision). Each call spends ' +
          "epsilon from the campaign's budget; when it cannot pay, 409 PRIVACY_BUDGET_CONFLICT. See docs/security.md.",
        params: { id: campaignId },
        query: privateReportQuery,
        response: privateReport,
        errors: { ...notFound, 409: 'The campaign budget cannot pay for this epsilon' },
      },
    },
  },
  {
    controller: UsersController,
    operations: {
      erase: {
        summary: 'Forget a user (GDPR Art. 17): every per-user key removed, late events dropped (admin, audited)',
        description:
          'The body is optional. Writes the request to the user-erasures topic, then erases at once and answers what ' +
          'each store removed. ' +
          'Idempotent: a repeat answers 200 and removes nothing more. What stays in Kafka retention: docs/security.md.',
        params: { id: z.string().min(1).max(128).describe('User id') },
        body: erasureRequest,
        response: erasureReport,
      },
    },
  },
  ...SEGMENTS_API,
  ...CONSOLE_API,
];
