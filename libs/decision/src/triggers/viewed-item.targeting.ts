import { propensityFeatures, purchaseProbability } from '../policy/propensity.model';
import { recommendedTargeting } from './recommended.targeting';
import { excludedItems, marginRate, type ScoredTarget, type TargetingContext } from './targeting';

/**
 * A request naming the item the user is looking at (offer requests with `context.itemId`, HTTP decisions with a
 * seed): the offer applies to that item, unless the campaign asks for recommendations or the item cannot be
 * offered (unknown price, out of stock, excluded), in which case recommended items are targeted instead.
 */
export async function viewedItemTargeting(ctx: TargetingContext): Promise<ScoredTarget | undefined> {
  const seed = ctx.req.seeds[0];
  if (!seed || ctx.campaign.appliesTo === 'recommended') return recommendedTargeting(ctx);
  const f = (await ctx.items([seed.itemId])).get(seed.itemId);
  const price = f?.price ?? 0;
  if (!f || !(price > 0) || f.stock === 0 || excludedItems(ctx).has(seed.itemId)) return recommendedTargeting(ctx);
  const { x, present } = propensityFeatures({ user: ctx.user, item: f, blendScore: 1, inCart: false }, ctx.weights);
  return {
    target: {
      items: [seed.itemId],
      price,
      margin: price * marginRate(f, ctx.settings),
      baseProbability: purchaseProbability(x, ctx.weights),
    },
    appliesTo: 'viewed_item',
    x,
    present,
  };
}
