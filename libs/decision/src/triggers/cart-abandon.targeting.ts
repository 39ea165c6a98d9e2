import {
  propensityFeatures,
  purchaseProbability,
  type FeatureVector,
  type PropensityFeature,
} from '../policy/propensity.model';
import { excludedItems, marginRate, type ScoredTarget, type TargetingContext } from './targeting';

/** An abandoned cart: the offer applies to the whole cart, priced line by line. */
export async function cartTargeting(ctx: TargetingContext): Promise<ScoredTarget | undefined> {
  const cart = ctx.req.cart ?? [];
  if (cart.length === 0) return undefined;
  const exclude = excludedItems(ctx);
  const feats = await ctx.items(cart.map((c) => c.itemId));
  const lines = cart
    .map((c) => ({ c, f: feats.get(c.itemId) }))
    .filter(({ c, f }) => f !== undefined && f.stock !== 0 && !exclude.has(c.itemId) && (f.price ?? 0) > 0);
  let price = 0;
  let margin = 0;
  let best: { x: FeatureVector; present: PropensityFeature[]; p: number } | undefined;
  for (const { c, f } of lines) {
    if (!f) continue;
    const q = c.quantity ?? 1;
    price += (f.price ?? 0) * q;
    margin += (f.price ?? 0) * q * marginRate(f, ctx.settings);
    const { x, present } = propensityFeatures({ user: ctx.user, item: f, blendScore: 1, inCart: true }, ctx.weights);
    const p = purchaseProbability(x, ctx.weights);
    if (!best || p > best.p) best = { x, present, p };
  }
  if (!best) return undefined;
  return {
    target: { items: lines.map((l) => l.c.itemId), price, margin, baseProbability: best.p },
    appliesTo: 'cart',
    x: best.x,
    present: best.present,
  };
}
