import type { Logger } from '@offerstream/core';
import type { Campaign } from '../campaign/campaign.schema';
import type { CandidateGenerator } from '../candidates/candidate-generator';
import type { FeatureSource, ItemFeatures, UserFeatures } from '../features/feature-source.port';
import type { PropensityWeights } from '../policy/propensity.model';
import { TARGETING } from '../triggers/targeting-by-trigger';
import { hintsOf, type ScoredTarget, type TargetingSettings } from '../triggers/targeting';
import type { DecisionRequest } from './decision.types';

export interface DecisionTargetingDeps {
  readonly features: FeatureSource;
  readonly candidates: CandidateGenerator;
  readonly logger?: Logger;
}

/** What the offer would be about, by the trigger's own targeting (see triggers/*.targeting.ts). */
export async function targetOf(
  deps: DecisionTargetingDeps,
  settings: TargetingSettings,
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
    candidates: deps.candidates,
    settings,
    items: async (ids) => {
      const feats = await deps.features.items(ids).catch((e: unknown) => {
        deps.logger?.warn('item features unavailable; using event hints only', { error: e });
        return new Map<string, ItemFeatures>();
      });
      const out = new Map<string, ItemFeatures>();
      for (const id of ids) out.set(id, merge(id, feats.get(id), hints.get(id)));
      return out;
    },
  });
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
