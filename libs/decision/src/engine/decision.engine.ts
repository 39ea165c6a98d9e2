import { randomUUID } from 'node:crypto';
import type { DecisionRecord, Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { Campaign } from '../campaign/campaign.schema';
import { ineligibility } from '../campaign/campaign-eligibility';
import type { CandidateGenerator } from '../candidates/candidate-generator';
import type { FeatureSource, ItemFeatures, UserFeatures } from '../features/feature-source.port';
import { isHoldout } from '../guardrails/holdout';
import type { ReservationStore } from '../guardrails/reservation.store';
import type { DecisionOutcomeStore, TrackedDecision } from '../learning/decision-outcome.store';
import type { OfferRecordStore } from '../learning/offer-record.store';
import { eligibleActions, NO_OFFER } from '../policy/offer-actions';
import {
  chooseOffer,
  purchaseValues,
  type PolicyChoice,
  type PolicySettings,
  type ProfitModel,
} from '../policy/offer-policy';
import { policyFeatures } from '../policy/policy-features';
import { DEFAULT_PROPENSITY, type PropensityWeights } from '../policy/propensity.model';
import { TARGETING } from '../triggers/targeting-by-trigger';
import { hintsOf, type ScoredTarget, type TargetingSettings } from '../triggers/targeting';
import type { Decision, DecisionRequest } from './decision.types';
import { CLAIM_INTERRUPTED, claimedRecord, REFUSAL_PENDING } from './claimed-record';
import { buildDecisionRecord, decisionIdFor, type DecisionRecordInput } from './decision-record';
import { buildOffer } from './offer-builder';

/** Offer ids are UUIDs; any other first decision of a trigger (holdout, none, cap, ...) has nothing to publish. */
const OFFER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface DecisionEngineSettings extends TargetingSettings {
  readonly policy: Omit<PolicySettings, 'exploration'>;
  /** Exploration share with no joined decisions yet, and the floor it decays to as they accumulate. */
  readonly explorationMax: number;
  readonly explorationMin: number;
  /** Joined decisions at which exploration has fallen to 1/sqrt(2) of its start. */
  readonly explorationScale: number;
}

export interface DecisionEngineDeps {
  readonly features: FeatureSource;
  readonly candidates: CandidateGenerator;
  readonly campaigns: () => readonly Campaign[];
  readonly reservations: ReservationStore;
  readonly records: OfferRecordStore;
  /** Every decision with a campaign is tracked here until its attribution window closes with its reward. */
  readonly outcomes: DecisionOutcomeStore;
  /** The incremental-profit model in use (it changes while running when a refit is published). */
  readonly profit: { readonly current: (ProfitModel & { readonly examples: number }) | undefined };
  /** Shadow price of each campaign's spend (budget pacing); 0 when absent. */
  readonly pacing?: { price(campaignId: string): number };
  /** Fixed weights, or a source whose current weights may change while running (a refit published). */
  readonly propensity?: PropensityWeights | { readonly current: PropensityWeights };
  /** Name and version of the optional graph candidate source, for the offer's model versions. */
  readonly gnnName?: () => string;
  /** Source of exploration draws (seeded in tests). */
  readonly random?: () => number;
  readonly logger?: Logger;
}

/** Exploration share after `examples` joined decisions: falls as 1/sqrt(1 + n/scale), never below the floor. */
export function explorationRate(
  s: Pick<DecisionEngineSettings, 'explorationMax' | 'explorationMin' | 'explorationScale'>,
  examples: number,
): number {
  return Math.max(
    s.explorationMin,
    s.explorationMax / Math.sqrt(1 + Math.max(0, examples) / Math.max(1, s.explorationScale)),
  );
}

/**
 * Trigger in, at most one offer out: eligible campaign, holdout, what the offer would apply to (the trigger's
 * targeting), then the action with the highest expected incremental profit (no offer included) net of the budget's
 * shadow price, with logged exploration, then the atomic guardrails (trigger-once, caps, cooldown, budget). Every
 * decision with a campaign, offer or not, is logged with its features and tracked until its reward is known.
 */
export class DecisionEngine {
  private readonly propensity: () => PropensityWeights;
  private readonly random: () => number;

  constructor(
    private readonly deps: DecisionEngineDeps,
    private readonly settings: DecisionEngineSettings,
  ) {
    const p = deps.propensity ?? DEFAULT_PROPENSITY;
    this.propensity = 'current' in p ? () => p.current : () => p;
    this.random = deps.random ?? Math.random;
  }

  async decide(req: DecisionRequest): Promise<Decision> {
    const now = req.now ?? new Date();
    const nowMs = now.getTime();
    // One decision, one model each: a refit published mid-decision applies from the next one.
    const weights = this.propensity();
    const model = this.deps.profit.current;
    const versions = this.versions(weights, model);
    const modelCodes = [
      `model:propensity@${weights.version}`.slice(0, 128),
      `model:profit@${model?.version ?? 'prior'}`.slice(0, 128),
    ];
    const done = (
      d: Omit<DecisionRecordInput, 'req' | 'now' | 'versions'>,
      extra: { offer?: Offer } = {},
    ): Decision => {
      const reasonCodes = [...d.reasonCodes, ...modelCodes.filter((c) => !d.reasonCodes.includes(c))];
      return {
        triggerId: req.triggerId,
        userId: req.userId,
        decisionId: decisionIdFor(req.triggerId),
        kind: d.kind,
        reason: d.reason,
        ...(d.campaignId !== undefined ? { campaignId: d.campaignId } : {}),
        ...extra,
        reasonCodes,
        ...(d.choice && d.kind !== 'holdout' ? { probability: d.probability ?? 1 } : {}),
        record: buildDecisionRecord({ ...d, reasonCodes, req, now, versions }),
      };
    };
    const user = await this.deps.features.user(req.userId).catch((e: unknown) => {
      this.deps.logger?.warn('user features unavailable; deciding as cold start', { error: e });
      return undefined;
    });
    const campaign = this.deps
      .campaigns()
      .find((c) => ineligibility(c, { trigger: req.trigger, channel: req.channel, user, now }) === undefined);
    if (!campaign)
      return done({ kind: 'no_offer', reason: 'no_eligible_campaign', reasonCodes: [`trigger:${req.trigger}`] });
    const codes = [`trigger:${req.trigger}`, `campaign:${campaign.id}@v${campaign.version}`];
    const campaignId = campaign.id;
    const holdout = isHoldout(req.userId, campaign.id, campaign.holdoutShare);

    // Intent to treat: every eligible user joins their group here, before caps, budget or the policy can turn the
    // offer down (otherwise capped heavy users would sit only in the holdout and bias incrementality). The holdout is
    // targeted too: its features and rewards teach the model what no offer earns.
    const [scored] = await Promise.all([
      this.target(req, campaign, user, weights),
      this.deps.reservations.assignMember(campaign.id, req.userId, holdout ? 'H' : 'T', nowMs),
    ]);
    const features = scored ? policyFeatures(scored.x, scored.target, user) : undefined;
    // What a purchase earns under each eligible action, logged with every decision (holdout included) so the
    // conversion model is trained on the values it is served with.
    const values = scored ? purchaseValues(eligibleActions(campaign, scored.target, req.trigger), scored.target) : {};
    const margin = scored?.target.margin;
    const track = (
      action: string,
      propensity: number,
      available: Readonly<Record<string, number>>,
      offerId?: string,
    ): Promise<boolean> =>
      features
        ? this.deps.outcomes.track(
            this.tracked(req, campaign, user, features, nowMs, {
              action,
              propensity,
              available,
              values,
              holdout,
              ...(offerId ? { offerId } : {}),
            }),
          )
        : Promise.resolve(false);

    // Each claim stores the decision's record with it: built first, so that a delivery failing or dying after its
    // claim leaves the record for the redelivery to publish.
    if (holdout) {
      const decided = done({
        kind: 'holdout',
        reason: 'holdout',
        campaignId,
        ...(features ? { features } : {}),
        reasonCodes: [...codes, `holdout_share:${campaign.holdoutShare}`],
      });
      const { duplicate } = await this.claim(req, campaign, 'holdout', '', nowMs, codes, decided.record);
      if (duplicate) return duplicate;
      await track(NO_OFFER, 1, {});
      return decided;
    }
    if (!scored || !features)
      return done({ kind: 'no_offer', reason: 'no_candidates', campaignId, reasonCodes: codes });
    const { target } = scored;
    const actions = eligibleActions(campaign, target, req.trigger);
    if (actions.length === 0)
      return done({ kind: 'no_offer', reason: 'no_eligible_action', campaignId, features, reasonCodes: codes });
    const exploration = explorationRate(this.settings, model?.examples ?? 0);
    const price = this.deps.pacing?.price(campaign.id) ?? 0;
    const choice = chooseOffer(
      model,
      features,
      actions,
      target,
      { ...this.settings.policy, exploration },
      price,
      this.random,
    );
    const policy = { action: choice.action.id, probability: choice.probability };
    const policyCodes = [
      ...codes,
      `probability:${choice.probability.toFixed(4)}`,
      `exploration:${exploration.toFixed(3)}`,
      `shadow_price:${price.toFixed(3)}`,
    ];
    const logged = { choice, actions, features, margin };

    if (choice.action.id === NO_OFFER) {
      const decided = done({
        kind: 'no_offer',
        reason: 'policy_chose_no_offer',
        campaignId,
        ...policy,
        ...logged,
        reasonCodes: policyCodes,
      });
      const { duplicate } = await this.claim(req, campaign, 'none', '', nowMs, codes, decided.record);
      if (duplicate) return duplicate;
      await track(NO_OFFER, choice.probability, choice.probabilities);
      return decided;
    }

    // A guardrail refusing every offer makes no offer the executed action with probability 1; the policy's own
    // choice is logged beside it. The offer's claim stores this refusal's record, its reason still open (see
    // claimed-record.ts): an offer made has its own record, written with its reservation.
    const refused = (reason: string): Decision =>
      done({ kind: 'no_offer', reason, campaignId, policy, ...logged, reasonCodes: policyCodes });
    const offerId = randomUUID();
    const pending = refused(REFUSAL_PENDING).record;
    const { claim, duplicate } = await this.claim(req, campaign, 'offer', offerId, nowMs, codes, pending);
    if (duplicate) return duplicate;
    if (claim.status !== 'ok') {
      await track(NO_OFFER, 1, {});
      return refused(claim.status);
    }
    // The offer record is written by the budget reservation script, in the same atomic step (one slot): there is
    // never a record, so never an offer that recovery could republish, without its reservation. It carries the
    // offer as it will be published, for a redelivered trigger or the outbox sweeper if Kafka never acknowledges it.
    const offer = buildOffer({ offerId, req, campaign, choice, scored, now, codes: policyCodes, versions });
    const decided = done(
      { kind: 'offer', reason: 'offer', campaignId, ...policy, ...logged, reasonCodes: offer.reasonCodes, offerId },
      { offer },
    );
    const offerTtlS = campaign.offerTtlHours * 3600;
    const record = this.deps.records.toWrite(
      {
        offerId,
        userId: req.userId,
        campaignId: campaign.id,
        action: choice.action.id,
        cost: choice.action.cost,
        probability: choice.probability,
        createdAt: now.toISOString(),
        published: { offer, ...(decided.record ? { record: decided.record } : {}) },
      },
      offerTtlS,
    );
    // The offer -> campaign index goes beside it (same round trip); an index left without a reservation points to
    // no record and changes nothing.
    const [budget] = await Promise.all([
      this.deps.reservations.reserveBudget(
        campaign,
        choice.action.cost,
        offerId,
        nowMs + offerTtlS * 1000,
        record,
        nowMs,
      ),
      this.deps.records.index(offerId, campaign.id, offerTtlS),
    ]);
    if (budget !== 'reserved') {
      // Voided: a redelivery of this trigger found the offer claimed but not reserved and ended it as no offer; the
      // same reason here makes this record the one that redelivery published.
      const reason = budget === 'voided' ? CLAIM_INTERRUPTED : `budget_${budget}`;
      await Promise.all([
        this.deps.reservations.releaseUser(req.userId, req.triggerId, campaign.id, offerId, reason),
        track(NO_OFFER, 1, {}),
      ]);
      return refused(reason);
    }
    await track(choice.action.id, choice.probability, choice.probabilities, offerId);
    return decided;
  }

  private tracked(
    req: DecisionRequest,
    campaign: Campaign,
    user: UserFeatures | undefined,
    features: readonly number[],
    nowMs: number,
    d: Pick<TrackedDecision, 'action' | 'propensity' | 'available' | 'values' | 'holdout' | 'offerId'>,
  ): TrackedDecision {
    return {
      decisionId: decisionIdFor(req.triggerId),
      userId: req.userId,
      campaignId: campaign.id,
      features,
      decidedAt: nowMs,
      ...(user?.segment !== undefined ? { segment: user.segment } : {}),
      ...d,
    };
  }

  /** Versions of every model a decision uses, as of now (the profit model and graph versions move while running). */
  private versions(weights: PropensityWeights, model: ProfitModel | undefined): Record<string, string> {
    return {
      propensity: weights.version,
      profit: model?.version ?? 'prior',
      blend: this.deps.candidates.blendVersion,
      features: this.deps.features.name,
      ...(this.deps.gnnName ? { gnn: this.deps.gnnName() } : {}),
    };
  }

  /**
   * Claims the trigger for the user (trigger-once, caps, cooldown in one script) and stores the decision's record
   * with the claim. A redelivered trigger gets a `duplicate` decision naming the first one, whichever branch it
   * reaches. If the first delivery's decision was never acknowledged by Kafka (its produce failed and the batch is
   * being retried, or the process died before it), the duplicate carries what it would have published: the same
   * offer (same offer id) and its record from the outbox, or the stored record of a holdout, a no-offer or a
   * guardrail's refusal. An offer claimed but never reserved (the delivery interrupted between the two scripts) is
   * voided and ends as a refusal (`claim_interrupted`). The trigger still yields at most one offer and exactly one
   * decision record (same decision id).
   */
  private async claim(
    req: DecisionRequest,
    campaign: Campaign,
    mode: 'offer' | 'holdout' | 'none',
    offerId: string,
    nowMs: number,
    codes: string[],
    record: DecisionRecord | undefined,
  ): Promise<{ claim: Awaited<ReturnType<ReservationStore['claimUser']>>; duplicate?: Decision }> {
    const claim = await this.deps.reservations.claimUser({
      userId: req.userId,
      triggerId: req.triggerId,
      mode,
      campaign,
      offerId,
      nowMs,
      ...(record ? { record } : {}),
    });
    if (claim.status !== 'duplicate') return { claim };
    const firstWasOffer = OFFER_ID.test(claim.firstDecision);
    const firstCampaign = claim.firstCampaign ?? campaign.id;
    const offered = firstWasOffer
      ? await this.deps.records.claimedOffer(claim.firstDecision, firstCampaign)
      : undefined;
    const unpublished = offered?.state === 'unpublished' ? offered.published : undefined;
    let stored = claimedRecord(claim.firstDecision, firstWasOffer, claim.record);
    if (offered?.state === 'void') {
      // The first delivery was interrupted between its claim and its reservation: the offer id is void now (no late
      // reservation can make the offer), so its cap entry goes and the trigger ends as no offer, as a budget refusal.
      await this.deps.reservations.releaseUser(
        req.userId,
        req.triggerId,
        firstCampaign,
        claim.firstDecision,
        CLAIM_INTERRUPTED,
      );
      stored = claimedRecord(CLAIM_INTERRUPTED, false, claim.record);
    }
    const duplicate: Decision = {
      ...(unpublished
        ? { offer: unpublished.offer, ...(unpublished.record ? { record: unpublished.record } : {}) }
        : stored
          ? { record: stored }
          : {}),
      triggerId: req.triggerId,
      userId: req.userId,
      decisionId: decisionIdFor(req.triggerId),
      kind: 'duplicate',
      reason: `duplicate_of_${claim.firstDecision}`,
      campaignId: campaign.id,
      reasonCodes: codes,
    };
    return { claim, duplicate };
  }

  /** What the offer would be about, by the trigger's own targeting (see triggers/*.targeting.ts). */
  private async target(
    req: DecisionRequest,
    campaign: Campaign,
    user: UserFeatures | undefined,
    weights: PropensityWeights,
  ): Promise<ScoredTarget | undefined> {
    const hints = hintsOf(req);
    return TARGETING[req.trigger]({
      req,
      campaign,
      user,
      weights,
      candidates: this.deps.candidates,
      settings: this.settings,
      items: async (ids) => {
        const feats = await this.deps.features.items(ids).catch((e: unknown) => {
          this.deps.logger?.warn('item features unavailable; using event hints only', { error: e });
          return new Map<string, ItemFeatures>();
        });
        const out = new Map<string, ItemFeatures>();
        for (const id of ids) out.set(id, merge(id, feats.get(id), hints.get(id)));
        return out;
      },
    });
  }
}

/** Catalogue features, completed by what the trigger said of the item (the catalogue may not know it yet). */
function merge(
  itemId: string,
  f: ItemFeatures | undefined,
  h: { price?: number; categoryPath?: readonly string[] } | undefined,
): ItemFeatures {
  // Most candidates have no hint: reuse the cached object instead of copying it (allocation is GC time).
  if (f && (!h || (f.price !== undefined && f.categoryPath !== undefined))) return f;
  return { itemId, ...f, price: f?.price ?? h?.price, categoryPath: f?.categoryPath ?? h?.categoryPath };
}

export type { PolicyChoice };
