import { randomUUID } from 'node:crypto';
import type { Offer, TriggerKind } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { Campaign } from '../campaign/campaign.schema';
import { ineligibility } from '../campaign/campaign-eligibility';
import type { CandidateGenerator, CandidateSet } from '../candidates/candidate-generator';
import type { FeatureSource, ItemFeatures, UserFeatures } from '../features/feature-source.port';
import { isHoldout } from '../guardrails/holdout';
import type { ReservationStore } from '../guardrails/reservation.store';
import type { OfferRecordStore } from '../learning/offer-record.store';
import type { BanditStore } from '../policy/bandit.store';
import { eligibleActions, NO_OFFER, type OfferTarget } from '../policy/offer-actions';
import { chooseOffer } from '../policy/offer-policy';
import {
  DEFAULT_PROPENSITY,
  propensityFeatures,
  purchaseProbability,
  type FeatureVector,
  type PropensityFeature,
  type PropensityWeights,
} from '../policy/propensity.model';
import type { Decision, DecisionRequest, ItemHint } from './decision.types';
import { buildDecisionRecord, decisionIdFor, type DecisionRecordInput } from './decision-record';
import { buildOffer } from './offer-builder';

/** Offer ids are UUIDs; any other first decision of a trigger (holdout, none, cap, ...) has nothing to publish. */
const OFFER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Length of the bandit's context vector (see contextVector). */
export const CONTEXT_DIMENSION = 6;

export interface DecisionEngineSettings {
  /** Margin rate assumed for items whose margin the catalogue does not give. */
  readonly defaultMarginRate: number;
  /** Candidates scored per decision. */
  readonly candidateCount: number;
  readonly defaultMaxItems: number;
}

export interface DecisionEngineDeps {
  readonly features: FeatureSource;
  readonly candidates: CandidateGenerator;
  readonly campaigns: () => readonly Campaign[];
  readonly bandit: BanditStore;
  readonly reservations: ReservationStore;
  readonly records: OfferRecordStore;
  /** Fixed weights, or a source whose current weights may change while running (a refit published). */
  readonly propensity?: PropensityWeights | { readonly current: PropensityWeights };
  /** Name and version of the optional graph candidate source, for the offer's model versions. */
  readonly gnnName?: () => string;
  readonly logger?: Logger;
}

interface Ranked {
  readonly c: CandidateSet['candidates'][number];
  readonly f: ItemFeatures;
  readonly x: FeatureVector;
  readonly present: PropensityFeature[];
  readonly p: number;
  readonly margin: number;
  readonly value: number;
}

/** Higher value first, then item id (ties keep a deterministic order). */
const rankBefore = (a: Ranked, b: Ranked): boolean =>
  a.value > b.value || (a.value === b.value && a.c.itemId.localeCompare(b.c.itemId) < 0);

interface ScoredTarget {
  readonly target: OfferTarget;
  readonly x: FeatureVector;
  readonly present: readonly PropensityFeature[];
  readonly candidates?: CandidateSet;
}

/**
 * Trigger in, at most one offer out: eligible campaign, holdout, candidates and propensity, offer choice by
 * expected incremental profit with Thompson exploration, then the atomic guardrails (trigger-once, caps,
 * cooldown, budget). Anything that is not an offer is still a logged decision with its reason.
 */
export class DecisionEngine {
  private readonly propensity: () => PropensityWeights;

  constructor(
    private readonly deps: DecisionEngineDeps,
    private readonly settings: DecisionEngineSettings,
  ) {
    const p = deps.propensity ?? DEFAULT_PROPENSITY;
    this.propensity = 'current' in p ? () => p.current : () => p;
  }

  async decide(req: DecisionRequest): Promise<Decision> {
    const now = req.now ?? new Date();
    const nowMs = now.getTime();
    // One decision, one model: a refit published mid-decision applies from the next one.
    const weights = this.propensity();
    const versions = this.versions(weights);
    const modelCode = `model:propensity@${weights.version}`.slice(0, 128);
    const done = (d: Omit<DecisionRecordInput, 'req' | 'now' | 'versions'>, extra: { offer?: Offer } = {}): Decision => ({
      triggerId: req.triggerId,
      userId: req.userId,
      decisionId: decisionIdFor(req.triggerId),
      kind: d.kind,
      reason: d.reason,
      ...(d.campaignId !== undefined ? { campaignId: d.campaignId } : {}),
      ...extra,
      reasonCodes: d.reasonCodes.includes(modelCode) ? d.reasonCodes : [...d.reasonCodes, modelCode],
      ...(d.choice && d.kind !== 'holdout' ? { probability: d.probability ?? 1 } : {}),
      record: buildDecisionRecord({ ...d, reasonCodes: d.reasonCodes.includes(modelCode) ? d.reasonCodes : [...d.reasonCodes, modelCode], req, now, versions }),
    });
    const user = await this.deps.features.user(req.userId).catch((e: unknown) => {
      this.deps.logger?.warn('user features unavailable; deciding as cold start', { error: e });
      return undefined;
    });
    const campaign = this.deps
      .campaigns()
      .find((c) => ineligibility(c, { trigger: req.trigger, channel: req.channel, user, now }) === undefined);
    if (!campaign) return done({ kind: 'no_offer', reason: 'no_eligible_campaign', reasonCodes: [`trigger:${req.trigger}`] });
    const codes = [`trigger:${req.trigger}`, `campaign:${campaign.id}@v${campaign.version}`];
    const campaignId = campaign.id;

    if (isHoldout(req.userId, campaign.id, campaign.holdoutShare)) {
      const { duplicate } = await this.claim(req, campaign, 'holdout', '', nowMs, codes);
      if (duplicate) return duplicate;
      await this.deps.reservations.assignMember(campaign.id, req.userId, 'H', nowMs);
      return done({ kind: 'holdout', reason: 'holdout', campaignId, reasonCodes: [...codes, `holdout_share:${campaign.holdoutShare}`] });
    }

    // Intent to treat: every eligible user outside the holdout joins the treated group here, before caps, budget or
    // the policy can turn the offer down. Otherwise capped heavy users would sit only in the holdout and bias the
    // incrementality estimate against the campaign.
    const [scored] = await Promise.all([
      this.target(req, user, weights),
      this.deps.reservations.assignMember(campaign.id, req.userId, 'T', nowMs),
    ]);
    if (!scored) return done({ kind: 'no_offer', reason: 'no_candidates', campaignId, reasonCodes: codes });
    const { target, x } = scored;
    const actions = eligibleActions(campaign, target, req.trigger);
    if (actions.length === 0) return done({ kind: 'no_offer', reason: 'no_eligible_action', campaignId, reasonCodes: codes });
    const context = contextVector(target.baseProbability, x, user);
    const choice = chooseOffer(this.deps.bandit.bandit, context, actions, target);
    const policy = { action: choice.action.id, probability: choice.probability };

    if (choice.action.id === NO_OFFER) {
      const { duplicate } = await this.claim(req, campaign, 'none', '', nowMs, codes);
      if (duplicate) return duplicate;
      return done({
        kind: 'no_offer',
        reason: 'policy_chose_no_offer',
        campaignId,
        ...policy,
        choice,
        actions,
        reasonCodes: [...codes, `probability:${choice.probability.toFixed(4)}`],
      });
    }

    const offerId = randomUUID();
    const { claim, duplicate } = await this.claim(req, campaign, 'offer', offerId, nowMs, codes);
    if (duplicate) return duplicate;
    // A guardrail refusing every offer makes no offer the executed action with probability 1; the policy's own
    // choice is logged beside it.
    if (claim.status !== 'ok') return done({ kind: 'no_offer', reason: claim.status, campaignId, policy, choice, actions, reasonCodes: codes });
    // The offer record is written while the budget is reserved (one round trip less). If the budget refuses, the
    // record is removed again; it is keyed by a fresh offer id that no offer event ever carried, so even a left-over
    // record (crash in between) is never matched by an outcome. It carries the offer as it will be published, for a
    // redelivered trigger whose first delivery never got the offer out (see claim).
    const offer = buildOffer({ offerId, req, campaign, choice, scored, now, codes, versions });
    const decided = done(
      { kind: 'offer', reason: 'offer', campaignId, ...policy, choice, actions, reasonCodes: offer.reasonCodes, offerId },
      { offer },
    );
    const [budget] = await Promise.all([
      this.deps.reservations.reserveBudget(campaign, choice.action.cost, offerId, nowMs + campaign.offerTtlHours * 3_600_000),
      this.deps.records.put(
        {
          offerId,
          userId: req.userId,
          campaignId: campaign.id,
          action: choice.action.id,
          context,
          prior: choice.prior,
          cost: choice.action.cost,
          probability: choice.probability,
          features: x,
          propensityVersion: weights.version,
          createdAt: now.toISOString(),
          published: { offer, ...(decided.record ? { record: decided.record } : {}) },
        },
        campaign.offerTtlHours * 3600,
      ),
    ]);
    if (budget !== 'reserved') {
      await Promise.all([
        this.deps.reservations.releaseUser(req.userId, req.triggerId, campaign.id, offerId, `budget_${budget}`),
        this.deps.records.delete(offerId),
      ]);
      return done({ kind: 'no_offer', reason: `budget_${budget}`, campaignId, policy, choice, actions, reasonCodes: codes });
    }
    return decided;
  }

  /** Versions of every model a decision uses, as of now (the bandit and graph versions move while running). */
  private versions(weights: PropensityWeights): Record<string, string> {
    return {
      propensity: weights.version,
      bandit: this.deps.bandit.version,
      blend: this.deps.candidates.blendVersion,
      features: this.deps.features.name,
      ...(this.deps.gnnName ? { gnn: this.deps.gnnName() } : {}),
    };
  }

  /**
   * Claims the trigger for the user (trigger-once, caps, cooldown in one script). A redelivered trigger gets a
   * `duplicate` decision naming the first one, whichever branch it reaches. If the first delivery made an offer that
   * was never acknowledged by Kafka (its produce failed and the batch is being retried, or the process died before
   * it), the duplicate carries that same offer (same offer id) to publish: the trigger still yields exactly one offer.
   */
  private async claim(
    req: DecisionRequest,
    campaign: Campaign,
    mode: 'offer' | 'holdout' | 'none',
    offerId: string,
    nowMs: number,
    codes: string[],
  ): Promise<{ claim: Awaited<ReturnType<ReservationStore['claimUser']>>; duplicate?: Decision }> {
    const claim = await this.deps.reservations.claimUser({
      userId: req.userId,
      triggerId: req.triggerId,
      mode,
      campaign,
      offerId,
      nowMs,
    });
    if (claim.status !== 'duplicate') return { claim };
    const unpublished = OFFER_ID.test(claim.firstDecision) ? await this.deps.records.unpublished(claim.firstDecision) : undefined;
    const duplicate: Decision = {
      ...(unpublished ? { offer: unpublished.offer, ...(unpublished.record ? { record: unpublished.record } : {}) } : {}),
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

  /** What the offer would be about, priced and scored; undefined when nothing can be offered. */
  private async target(req: DecisionRequest, user: UserFeatures | undefined, weights: PropensityWeights): Promise<ScoredTarget | undefined> {
    const exclude = new Set<string>([...(req.exclude ?? []), ...(user?.purchasedItems ?? [])]);
    const hints = new Map<string, ItemHint>();
    for (const h of [...req.seeds, ...(req.cart ?? [])]) hints.set(h.itemId, { ...hints.get(h.itemId), ...h });
    const trigger: TriggerKind = req.trigger;

    if (trigger === 'service_recovery') {
      const reviewed = req.seeds[0];
      const item = reviewed
        ? this.merge(reviewed.itemId, (await this.items([reviewed.itemId])).get(reviewed.itemId), hints)
        : undefined;
      const price = item?.price ?? 0;
      const { x, present } = propensityFeatures(
        { user, item: item ?? { itemId: 'none' }, blendScore: 0, inCart: false },
        weights,
      );
      return {
        target: {
          items: [],
          price,
          margin: price * this.marginRate(item),
          baseProbability: purchaseProbability(x, weights),
        },
        x,
        present,
      };
    }

    if (trigger === 'cart_abandon' && req.cart && req.cart.length > 0) {
      const ids = req.cart.map((c) => c.itemId);
      const feats = await this.items(ids);
      const lines = req.cart
        .map((c) => ({ c, f: this.merge(c.itemId, feats.get(c.itemId), hints) }))
        .filter(({ c, f }) => f.stock !== 0 && !exclude.has(c.itemId) && (f.price ?? 0) > 0);
      if (lines.length === 0) return undefined;
      let price = 0;
      let margin = 0;
      let best: { x: FeatureVector; present: PropensityFeature[]; p: number } | undefined;
      for (const { c, f } of lines) {
        const q = c.quantity ?? 1;
        price += (f.price ?? 0) * q;
        margin += (f.price ?? 0) * q * this.marginRate(f);
        const { x, present } = propensityFeatures({ user, item: f, blendScore: 1, inCart: true }, weights);
        const p = purchaseProbability(x, weights);
        if (!best || p > best.p) best = { x, present, p };
      }
      if (!best) return undefined;
      return {
        target: { items: lines.map((l) => l.c.itemId), price, margin, baseProbability: best.p },
        x: best.x,
        present: best.present,
      };
    }

    const seeds = [...req.seeds.map((s) => s.itemId), ...(user?.recentItems ?? [])];
    const set = await this.deps.candidates.generate({
      userId: req.userId,
      seeds,
      exclude: new Set([...exclude, ...(trigger === 'post_purchase' ? req.seeds.map((s) => s.itemId) : [])]),
      // What the trigger is about (the viewed product) is itself a candidate, except after buying it.
      requested: [...(req.requested ?? []), ...(trigger === 'post_purchase' ? [] : req.seeds.map((s) => s.itemId))],
      k: this.settings.candidateCount,
    });
    if (set.candidates.length === 0) return undefined;
    const feats = await this.items(set.candidates.map((c) => c.itemId));
    // One pass keeping only the best maxItems (same order as sorting all by value, then item id): no sorted
    // copy of all candidates, and out-of-stock items are dropped before they are scored.
    const k = req.maxItems ?? this.settings.defaultMaxItems;
    const top: Ranked[] = [];
    for (const c of set.candidates) {
      const f = this.merge(c.itemId, feats.get(c.itemId), hints);
      if (f.stock === 0) continue;
      const { x, present } = propensityFeatures(
        { user, item: f, blendScore: c.blendScore, inCart: false },
        weights,
      );
      const p = purchaseProbability(x, weights);
      const margin = (f.price ?? 0) * this.marginRate(f);
      const value = p * Math.max(margin, 1e-6);
      const last = top[top.length - 1];
      if (
        top.length >= k &&
        last &&
        !(value > last.value || (value === last.value && c.itemId.localeCompare(last.c.itemId) < 0))
      )
        continue;
      const r: Ranked = { c, f, x, present, p, margin, value };
      let i = top.length;
      while (i > 0 && rankBefore(r, top[i - 1] as Ranked)) i--;
      top.splice(i, 0, r);
      if (top.length > k) top.pop();
    }
    const main = top[0];
    if (!main) return undefined;
    const second = top[1];
    return {
      target: {
        items: top.map((r) => r.c.itemId),
        price: main.f.price ?? 0,
        margin: main.margin,
        baseProbability: main.p,
        ...(second && (second.f.price ?? 0) > 0
          ? { companion: { itemId: second.c.itemId, price: second.f.price ?? 0, margin: second.margin } }
          : {}),
      },
      x: main.x,
      present: main.present,
      candidates: set,
    };
  }

  private async items(ids: readonly string[]): Promise<Map<string, ItemFeatures>> {
    return this.deps.features.items(ids).catch((e: unknown) => {
      this.deps.logger?.warn('item features unavailable; using event hints only', { error: e });
      return new Map<string, ItemFeatures>();
    });
  }

  private merge(itemId: string, f: ItemFeatures | undefined, hints: Map<string, ItemHint>): ItemFeatures {
    const h = hints.get(itemId);
    // Most candidates have no hint: reuse the cached object instead of copying it (allocation is GC time).
    if (f && (!h || (f.price !== undefined && f.categoryPath !== undefined))) return f;
    return {
      itemId,
      ...f,
      price: f?.price ?? h?.price,
      categoryPath: f?.categoryPath ?? h?.categoryPath,
    };
  }

  private marginRate(f: ItemFeatures | undefined): number {
    const r = f?.marginRate;
    return r !== undefined && Number.isFinite(r) ? Math.max(0, r) : this.settings.defaultMarginRate;
  }
}

/** The bandit's view of a decision: propensity and the signals most likely to change how offers work. */
export function contextVector(baseProbability: number, x: FeatureVector, user: UserFeatures | undefined): number[] {
  const returning = (user?.rfm?.frequency ?? 0) > 0 ? 1 : 0;
  return [baseProbability, x.affinity, x.session, returning, x.priceFit + 0.5, x.sentiment + 0.5];
}
