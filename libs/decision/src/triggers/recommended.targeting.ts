import { personalizationAllowed } from '../campaign/consent-gate';
import type { Candidate } from '../candidates/candidate-generator';
import type { ItemFeatures } from '../features/feature-source.port';
import {
  propensityFeatures,
  purchaseProbability,
  type FeatureVector,
  type PropensityFeature,
} from '../policy/propensity.model';
import { excludedItems, marginRate, type ScoredTarget, type TargetingContext } from './targeting';

interface Ranked {
  readonly c: Candidate;
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

/**
 * Items we pick for the user (browse, post-purchase, requests without an item): candidates from the blended
 * sources ranked by P(buy) x margin; the offer applies to the best one, the second can join it in a bundle.
 */
export async function recommendedTargeting(ctx: TargetingContext): Promise<ScoredTarget | undefined> {
  const { req, user } = ctx;
  const afterPurchase = req.trigger === 'post_purchase';
  const seedIds = req.seeds.map((s) => s.itemId);
  const set = await ctx.candidates.generate({
    userId: req.userId,
    seeds: [...seedIds, ...(user?.recentItems ?? [])],
    exclude: new Set([...excludedItems(ctx), ...(afterPurchase ? seedIds : [])]),
    // What the trigger is about (the viewed product) is itself a candidate, except after buying it.
    requested: [...(req.requested ?? []), ...(afterPurchase ? [] : seedIds)],
    k: ctx.settings.candidateCount,
    personalized: personalizationAllowed(user),
  });
  if (set.candidates.length === 0) return undefined;
  const feats = await ctx.items(set.candidates.map((c) => c.itemId));
  // One pass keeping only the best maxItems (same order as sorting all by value, then item id): no sorted copy of
  // all candidates, and out-of-stock items are dropped before they are scored.
  const k = req.maxItems ?? ctx.settings.defaultMaxItems;
  const top: Ranked[] = [];
  for (const c of set.candidates) {
    const f = feats.get(c.itemId) ?? { itemId: c.itemId };
    if (f.stock === 0) continue;
    const { x, present } = propensityFeatures({ user, item: f, blendScore: c.blendScore, inCart: false }, ctx.weights);
    const p = purchaseProbability(x, ctx.weights);
    const margin = (f.price ?? 0) * marginRate(f, ctx.settings);
    const value = p * Math.max(margin, 1e-6);
    const r: Ranked = { c, f, x, present, p, margin, value };
    const last = top[top.length - 1];
    if (top.length >= k && last && !rankBefore(r, last)) continue;
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
    appliesTo: 'recommended',
    x: main.x,
    present: main.present,
    candidates: set,
  };
}
