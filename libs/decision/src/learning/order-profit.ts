import type { PurchaseEvent } from '@offerstream/contracts';
import type { ItemFeatures } from '../features/feature-source.port';

/** An order's gross profit, and how much of it rests on an assumed margin instead of the catalogue's cost. */
export interface OrderProfit {
  /** What the customer paid minus the cost of goods minus what the shop bore for a redeemed offer. */
  readonly grossProfit: number;
  readonly revenue: number;
  /** Revenue of lines whose cost the catalogue did not give (their cost was assumed from the default margin). */
  readonly revenueWithoutCost: number;
}

export interface RedeemedOffer {
  readonly action: string;
  readonly cost: number;
}

/**
 * Gross profit of an order. `total` is what the customer paid, so a percent or fixed discount is already out of it;
 * free shipping is a cost the shop bears on top, so it is subtracted when the order redeemed such an offer. Cost of
 * goods is the catalogue's (price x (1 - margin rate)); where the catalogue does not say, the default margin rate
 * is assumed and the line's revenue is reported as without cost, never silently treated as profit.
 */
export function orderProfit(
  p: PurchaseEvent['payload'],
  items: ReadonlyMap<string, ItemFeatures>,
  defaultMarginRate: number,
  redeemed?: RedeemedOffer,
): OrderProfit {
  let cost = 0;
  let listed = 0;
  let withoutCost = 0;
  for (const line of p.lines) {
    const f = items.get(line.itemId);
    const rate = f?.marginRate;
    const known = rate !== undefined && Number.isFinite(rate);
    const unitPrice = f?.price !== undefined && f.price > 0 ? f.price : line.unitPrice;
    cost += unitPrice * (1 - (known ? rate : defaultMarginRate)) * line.quantity;
    listed += line.unitPrice * line.quantity;
    if (!known) withoutCost += line.unitPrice * line.quantity;
  }
  const revenue = p.total > 0 ? p.total : listed;
  const borne = redeemed && redeemed.action === 'free_shipping' ? redeemed.cost : 0;
  return { grossProfit: revenue - cost - borne, revenue, revenueWithoutCost: Math.min(revenue, withoutCost) };
}
