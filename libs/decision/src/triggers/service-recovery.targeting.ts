import { propensityFeatures, purchaseProbability } from '../policy/propensity.model';
import { marginRate, type ScoredTarget, type TargetingContext } from './targeting';

/** After a bad review: an apology coupon on the next order, bounded by the reviewed item's margin. */
export async function serviceRecoveryTargeting(ctx: TargetingContext): Promise<ScoredTarget> {
  const reviewed = ctx.req.seeds[0];
  const item = reviewed ? (await ctx.items([reviewed.itemId])).get(reviewed.itemId) : undefined;
  const price = item?.price ?? 0;
  const { x, present } = propensityFeatures(
    { user: ctx.user, item: item ?? { itemId: 'none' }, blendScore: 0, inCart: false },
    ctx.weights,
  );
  return {
    target: {
      items: [],
      price,
      margin: price * marginRate(item, ctx.settings),
      baseProbability: purchaseProbability(x, ctx.weights),
    },
    appliesTo: 'order',
    x,
    present,
  };
}
