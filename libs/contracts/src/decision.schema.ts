import { z } from 'zod';
import { envelopeShape, money } from './envelope.schema';
import { OFFER_TYPES, triggerKind } from './offer.schema';

export const DECISION_RECORD_KINDS = ['offer', 'no_offer', 'holdout'] as const;
export const decisionRecordKind = z.enum(DECISION_RECORD_KINDS);

const estimate = z.number().finite();

/** One action the policy considered, with what it expected of it. */
export const decisionCandidate = z.object({
  action: z
    .string()
    .min(1)
    .max(64)
    .describe('Action id, e.g. none, pct10, fixed5, free_shipping, bundle, recommendation'),
  offerType: z.enum([...OFFER_TYPES, 'none']),
  cost: money.describe('What the shop gives away if it is redeemed'),
  probability: z.number().min(0).max(1).optional().describe('Probability the policy would have chosen it'),
  purchaseProbability: z.number().min(0).max(1).optional(),
  upliftEstimate: estimate.optional().describe("Expected incremental profit as a share of the target's margin"),
  expectedIncrementalProfit: estimate.optional(),
});
export type DecisionCandidate = z.infer<typeof decisionCandidate>;

/**
 * Every decision the service takes, offer or not, for offline policy evaluation: the no-offer arm and the holdout
 * are logged like offers. `action` and `probability` are what was executed and with which probability.
 */
export const decisionRecord = z.object({
  decisionId: z
    .string()
    .min(1)
    .max(128)
    .describe('Derived from the trigger id: a trigger decided again carries the same id'),
  trigger: z.object({ kind: triggerKind, id: z.string().min(1).max(256) }),
  userId: z.string().min(1).max(128),
  channel: z.string().max(64).optional(),
  placement: z.string().max(128).optional(),
  campaignId: z.string().min(1).max(128).optional(),
  kind: decisionRecordKind,
  reason: z
    .string()
    .min(1)
    .max(128)
    .describe(
      'offer, holdout, no_eligible_campaign, no_candidates, no_eligible_action, policy_chose_no_offer, cap, cooldown, budget_*',
    ),
  action: z.string().min(1).max(64).describe('Executed action; none when no offer was made'),
  probability: z
    .number()
    .gt(0)
    .max(1)
    .describe("Probability of the executed action: the bandit's logged propensity, 1 on deterministic paths"),
  policyAction: z.string().min(1).max(64).optional().describe('What the bandit chose when a guardrail then refused it'),
  policyProbability: z.number().gt(0).max(1).optional(),
  candidates: z.array(decisionCandidate).max(64),
  reasonCodes: z.array(z.string().max(128)).max(64),
  modelVersions: z.record(z.string(), z.string()),
  offerId: z.string().min(1).max(128).optional(),
  features: z
    .array(z.number().finite())
    .max(64)
    .optional()
    .describe(
      'The feature vector the policy scored the actions with, as served (the incremental-profit model trains on the same)',
    ),
  featureSet: z.string().max(64).optional().describe('Name and version of the feature layout of `features`'),
  decidedAt: z.iso.datetime({ offset: true }),
});
export type DecisionRecord = z.infer<typeof decisionRecord>;

export const decisionEvent = z.object({ ...envelopeShape, type: z.literal('decision'), payload: decisionRecord });
export type DecisionEvent = z.infer<typeof decisionEvent>;
