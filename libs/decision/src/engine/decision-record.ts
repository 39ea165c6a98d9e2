import { createHash } from 'node:crypto';
import type { DecisionCandidate, DecisionRecord } from '@offerstream/contracts';
import { NO_OFFER, type OfferAction } from '../policy/offer-actions';
import type { PolicyChoice } from '../policy/offer-policy';
import { POLICY_FEATURES_VERSION } from '../policy/policy-features';
import type { DecisionKind, DecisionRequest } from './decision.types';

/**
 * A decision's id is derived from its trigger id, not drawn at random: paths that decide before the trigger is
 * claimed (no campaign, no candidates) can run again for a redelivered trigger, and must log the same id so that
 * offline evaluation counts the decision once.
 */
export function decisionIdFor(triggerId: string): string {
  const h = createHash('sha256').update(`decision\u0000${triggerId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface DecisionRecordInput {
  readonly req: DecisionRequest;
  readonly now: Date;
  readonly kind: Exclude<DecisionKind, 'duplicate'>;
  readonly reason: string;
  readonly campaignId?: string;
  /** The executed action and its probability; defaults to no offer with probability 1 (a deterministic path). */
  readonly action?: string;
  readonly probability?: number;
  /** What the policy chose before a guardrail refused it. */
  readonly policy?: { readonly action: string; readonly probability: number };
  readonly choice?: PolicyChoice;
  readonly actions?: readonly OfferAction[];
  readonly reasonCodes: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
  readonly offerId?: string;
  /** The channel an offer goes on; else the one the request named, if any. */
  readonly channel?: string;
  /** The policy's feature vector, and the margin of what the offer would apply to. */
  readonly features?: readonly number[];
  readonly margin?: number;
}

const positive = (p: number): number => Math.min(1, Math.max(Number.EPSILON, p));
const finite = (x: number | undefined): number | undefined => (x !== undefined && Number.isFinite(x) ? x : undefined);

/** The decisions-topic payload: what was done, with which probability, what else was on the table, on what features. */
export function buildDecisionRecord(i: DecisionRecordInput): DecisionRecord {
  const { choice } = i;
  const candidates: DecisionCandidate[] = (i.actions ?? []).slice(0, 64).map((a) => {
    const profit = finite(choice?.profits[a.id]);
    const uplift =
      profit === undefined
        ? undefined
        : a.id === NO_OFFER
          ? 0
          : i.margin !== undefined && i.margin > 0
            ? profit / i.margin
            : undefined;
    return {
      action: a.id.slice(0, 64),
      offerType: a.offerType,
      cost: Math.max(0, a.cost),
      ...(choice ? { probability: Math.min(1, Math.max(0, choice.probabilities[a.id] ?? 0)) } : {}),
      ...(uplift !== undefined ? { upliftEstimate: uplift } : {}),
      ...(profit !== undefined ? { expectedIncrementalProfit: profit } : {}),
    };
  });
  const { req } = i;
  const channel = i.channel ?? req.channel;
  return {
    decisionId: decisionIdFor(req.triggerId),
    trigger: { kind: req.trigger, id: req.triggerId.slice(0, 256) },
    userId: req.userId,
    ...(channel !== undefined ? { channel: channel.slice(0, 64) } : {}),
    ...(req.placement !== undefined ? { placement: req.placement.slice(0, 128) } : {}),
    ...(i.campaignId !== undefined ? { campaignId: i.campaignId } : {}),
    kind: i.kind,
    reason: i.reason.slice(0, 128),
    action: (i.action ?? NO_OFFER).slice(0, 64),
    probability: positive(i.probability ?? 1),
    ...(i.policy
      ? { policyAction: i.policy.action.slice(0, 64), policyProbability: positive(i.policy.probability) }
      : {}),
    candidates,
    reasonCodes: i.reasonCodes.slice(0, 64).map((c) => c.slice(0, 128)),
    modelVersions: { ...i.versions },
    ...(i.offerId !== undefined ? { offerId: i.offerId } : {}),
    ...(i.features ? { features: i.features.slice(0, 64), featureSet: POLICY_FEATURES_VERSION } : {}),
    decidedAt: i.now.toISOString(),
  };
}
