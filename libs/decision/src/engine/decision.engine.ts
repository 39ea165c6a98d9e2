import { randomUUID } from 'node:crypto';
import type { DecisionRecord, Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { Campaign } from '../campaign/campaign.schema';
import type { CandidateGenerator } from '../candidates/candidate-generator';
import { chooseChannel, DEFAULT_CHANNEL_CHOICE, type ChannelChoiceSettings } from '../channels/channel-choice';
import { channelEvidence, type ChannelEvidenceStore } from '../channels/channel-evidence.store';
import { firstOpenCampaign } from '../channels/open-channels';
import type { FeatureSource } from '../features/feature-source.port';
import { isHoldout } from '../guardrails/holdout';
import type { ReservationStore } from '../guardrails/reservation.store';
import type { DecisionOutcomeStore } from '../learning/decision-outcome.store';
import type { OfferRecordStore } from '../learning/offer-record.store';
import { eligibleActions, NO_OFFER } from '../policy/offer-actions';
import {
  chooseOffer,
  purchaseValues,
  type PolicyChoice,
  type PolicySettings,
  type ProfitModel,
  type ShadowPrices,
} from '../policy/offer-policy';
import { policyFeatures } from '../policy/policy-features';
import { DEFAULT_PROPENSITY, type PropensityWeights } from '../policy/propensity.model';
import type { TargetingSettings } from '../triggers/targeting';
import type { Decision, DecisionRequest } from './decision.types';
import { CLAIM_INTERRUPTED, REFUSAL_PENDING } from './claimed-record';
import { buildDecisionRecord, decisionIdFor, type DecisionRecordInput } from './decision-record';
import { targetOf } from './decision-targeting';
import { buildOffer } from './offer-builder';
import { reserveOffer } from './offer-reservation';
import { explorationRate, type ExplorationSettings } from './exploration-rate';
import { trackedDecision } from './tracked-decision';
import { claimTrigger, type TriggerClaimInput } from './trigger-claim';

export interface DecisionEngineSettings extends TargetingSettings, ExplorationSettings {
  readonly policy: Omit<PolicySettings, 'exploration'>;
  /** Prior and engagement weights of the channel choice; defaults when absent. */
  readonly channelChoice?: ChannelChoiceSettings;
}

export interface DecisionEngineDeps {
  readonly features: FeatureSource;
  readonly candidates: CandidateGenerator;
  readonly campaigns: () => readonly Campaign[];
  readonly reservations: ReservationStore;
  readonly records: OfferRecordStore;
  /** Every decision with a campaign is tracked here until its attribution window closes with its reward. */
  readonly outcomes: DecisionOutcomeStore;
  /** What the channel choice learns from; without it every channel starts from the prior, unengaged. */
  readonly channels?: ChannelEvidenceStore;
  /** The incremental-profit model in use (it changes while running when a refit is published). */
  readonly profit: { readonly current: (ProfitModel & { readonly examples: number }) | undefined };
  /** Budget pacing's shadow prices per campaign (spend, offers made), told each decision's best gain; 0 if absent. */
  readonly pacing?: { price(campaignId: string): ShadowPrices; observe(campaignId: string, bestGain: number): void };
  /** Fixed weights, or a source whose current weights may change while running (a refit published). */
  readonly propensity?: PropensityWeights | { readonly current: PropensityWeights };
  /** Name and version of the optional graph candidate source, for the offer's model versions. */
  readonly gnnName?: () => string;
  /** Source of exploration draws (seeded in tests). */
  readonly random?: () => number;
  readonly logger?: Logger;
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
    // The first campaign open to the user on some channel: consent per channel is checked there (see channels/).
    const { campaign, open } = firstOpenCampaign(this.deps.campaigns(), {
      trigger: req.trigger,
      channel: req.channel,
      user,
      now,
    });
    if (!campaign)
      return done({ kind: 'no_offer', reason: 'no_eligible_campaign', reasonCodes: [`trigger:${req.trigger}`] });
    const codes = [`trigger:${req.trigger}`, `campaign:${campaign.id}@v${campaign.version}`];
    const campaignId = campaign.id;
    const holdout = isHoldout(req.userId, campaign.id, campaign.holdoutShare);

    // Intent to treat: every eligible user joins their group here, before caps, budget or the policy can turn the
    // offer down (otherwise capped heavy users would sit only in the holdout and bias incrementality). The holdout is
    // targeted too: its features and rewards teach the model what no offer earns.
    const [scored, , evidence] = await Promise.all([
      targetOf(this.deps, this.settings, req, campaign, user, weights),
      this.deps.reservations.assignMember(campaign.id, req.userId, holdout ? 'H' : 'T', nowMs),
      // Read beside the targeting, before the policy has chosen: a holdout gets no offer, so no channel.
      channelEvidence(this.deps.channels, campaign.id, req.userId, holdout ? [] : open, this.deps.logger),
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
            trackedDecision(req, campaign, user, features, nowMs, {
              action,
              propensity,
              available,
              values,
              holdout,
              ...(offerId ? { offerId } : {}),
            }),
          )
        : Promise.resolve(false);

    // Claims the trigger, or finds it a redelivery (see trigger-claim.ts).
    const claimAs = (mode: TriggerClaimInput['mode'], offerId: string, record: DecisionRecord | undefined) =>
      claimTrigger(this.deps, { req, campaign, mode, offerId, nowMs, codes, record });
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
      const { duplicate } = await claimAs('holdout', '', decided.record);
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
    const price = this.deps.pacing?.price(campaign.id) ?? { perCost: 0, perOffer: 0 };
    const choice = chooseOffer(
      model,
      features,
      actions,
      target,
      { ...this.settings.policy, exploration },
      price,
      this.random,
    );
    this.deps.pacing?.observe(campaign.id, choice.bestGain);
    const policy = { action: choice.action.id, probability: choice.probability };
    const policyCodes = [
      ...codes,
      `probability:${choice.probability.toFixed(4)}`,
      `exploration:${exploration.toFixed(3)}`,
      `shadow_price:${price.perCost.toFixed(3)}`,
      `offer_price:${price.perOffer.toFixed(2)}`,
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
      const { duplicate } = await claimAs('none', '', decided.record);
      if (duplicate) return duplicate;
      await track(NO_OFFER, choice.probability, choice.probabilities);
      return decided;
    }

    // A guardrail refusing every offer makes no offer the executed action with probability 1; the policy's own
    // choice is logged beside it. The offer's claim stores this refusal's record, its reason still open (see
    // claimed-record.ts): an offer made has its own record, written with its reservation.
    const refused = (reason: string): Decision =>
      done({ kind: 'no_offer', reason, campaignId, policy, ...logged, reasonCodes: policyCodes });
    // The channel is chosen for the offer the policy chose, never instead of it (open is never empty here).
    const delivery = chooseChannel({
      open,
      evidence,
      gain: (margin ?? 0) - choice.action.cost,
      nowMs,
      onSiteNow: (user?.session?.views ?? 0) > 0,
      settings: this.settings.channelChoice ?? DEFAULT_CHANNEL_CHOICE,
      random: this.random,
    });
    const offerId = randomUUID();
    const pending = refused(REFUSAL_PENDING).record;
    const { claim, duplicate } = await claimAs('offer', offerId, pending);
    if (duplicate) return duplicate;
    if (claim.status !== 'ok') {
      await track(NO_OFFER, 1, {});
      return refused(claim.status);
    }
    const offer = buildOffer({ offerId, req, campaign, choice, scored, now, codes: policyCodes, versions, delivery });
    const decided = done(
      {
        kind: 'offer',
        reason: 'offer',
        campaignId,
        ...policy,
        ...logged,
        reasonCodes: offer.reasonCodes,
        offerId,
        ...(delivery ? { channel: delivery.channel } : {}),
      },
      { offer },
    );
    const budget = await reserveOffer(this.deps, { req, campaign, choice, offer, record: decided.record, now });
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
    await Promise.all([
      track(choice.action.id, choice.probability, choice.probabilities, offerId),
      delivery &&
        this.deps.channels?.offered(campaign.id, delivery.channel).catch((e: unknown) => {
          this.deps.logger?.warn('offer not counted for its channel', { error: e, campaignId });
        }),
    ]);
    return decided;
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
}

export { explorationRate };
export type { PolicyChoice };
