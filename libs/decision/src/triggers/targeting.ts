import type { Campaign } from '../campaign/campaign.schema';
import type { CandidateGenerator, CandidateSet } from '../candidates/candidate-generator';
import type { ItemFeatures, UserFeatures } from '../features/feature-source.port';
import type { DecisionRequest, ItemHint } from '../engine/decision.types';
import type { OfferTarget } from '../policy/offer-actions';
import type { FeatureVector, PropensityFeature, PropensityWeights } from '../policy/propensity.model';

/** What an offer applies to, stated on the offer: the item viewed, the cart, the order, or items we recommend. */
export type AppliesTo = 'viewed_item' | 'cart' | 'order' | 'recommended';

export interface TargetingSettings {
  /** Margin rate assumed for items whose margin the catalogue does not give. */
  readonly defaultMarginRate: number;
  /** Candidates scored per decision. */
  readonly candidateCount: number;
  readonly defaultMaxItems: number;
}

/** Everything a trigger's targeting may read. */
export interface TargetingContext {
  readonly req: DecisionRequest;
  readonly campaign: Campaign;
  readonly user: UserFeatures | undefined;
  readonly weights: PropensityWeights;
  readonly candidates: CandidateGenerator;
  readonly settings: TargetingSettings;
  /** Item features merged with what the trigger said of them (price, category); never throws. */
  items(ids: readonly string[]): Promise<Map<string, ItemFeatures>>;
}

/** The items an offer would be about, priced and scored. */
export interface ScoredTarget {
  readonly target: OfferTarget;
  readonly appliesTo: AppliesTo;
  readonly x: FeatureVector;
  readonly present: readonly PropensityFeature[];
  readonly candidates?: CandidateSet;
}

/** One trigger's answer to "what would an offer be about?"; undefined when there is nothing to offer on. */
export type Targeting = (ctx: TargetingContext) => Promise<ScoredTarget | undefined>;

export function marginRate(f: ItemFeatures | undefined, s: TargetingSettings): number {
  const r = f?.marginRate;
  return r !== undefined && Number.isFinite(r) ? Math.max(0, r) : s.defaultMarginRate;
}

/** The trigger's hints (price, category of items it named), by item. */
export function hintsOf(req: DecisionRequest): Map<string, ItemHint> {
  const hints = new Map<string, ItemHint>();
  for (const h of [...req.seeds, ...(req.cart ?? [])]) hints.set(h.itemId, { ...hints.get(h.itemId), ...h });
  return hints;
}

/** Items never offered: what the request excludes and what the user just bought. */
export function excludedItems(ctx: TargetingContext): Set<string> {
  return new Set<string>([...(ctx.req.exclude ?? []), ...(ctx.user?.purchasedItems ?? [])]);
}
