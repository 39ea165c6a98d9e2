import { SIM_ACTIONS, type SimAction, type SimActionOrNone, type UserTypeConfig } from './market.config';

/** What the truth needs to know of one request: the shopper's type and the item they look at. */
export interface TruthCase {
  readonly type: Pick<UserTypeConfig, 'baseBuy' | 'oddsLift'>;
  readonly price: number;
  readonly cost: number;
  readonly shippingCost: number;
}

const PERCENT: Record<SimAction, number> = { pct10: 10, pct20: 20, free_shipping: 0 };

/** P(buy | type, action): the base odds times the type's odds lift for the action. */
export function buyProbability(c: TruthCase, action: SimActionOrNone): number {
  const p = c.type.baseBuy;
  if (action === 'none') return p;
  if (p >= 1) return 1;
  const odds = (p / (1 - p)) * c.type.oddsLift[action];
  return odds / (1 + odds);
}

/** What the shop gives away when the action is redeemed: pct x price for a discount, else the shipping cost. */
export function actionCost(c: TruthCase, action: SimActionOrNone): number {
  if (action === 'none') return 0;
  if (action === 'free_shipping') return c.shippingCost;
  return (PERCENT[action] / 100) * c.price;
}

/** Expected gross profit of the request under the action: P(buy | action) x (price - cost - what the action costs). */
export function expectedProfit(c: TruthCase, action: SimActionOrNone): number {
  return buyProbability(c, action) * (c.price - c.cost - actionCost(c, action));
}

/** Expected profit of the action minus that of no offer: what the action truly earns. */
export function incrementalProfit(c: TruthCase, action: SimActionOrNone): number {
  return action === 'none' ? 0 : expectedProfit(c, action) - expectedProfit(c, 'none');
}

/** Incremental profit of every offer action for one request, in SIM_ACTIONS order. */
export function incrementalProfits(c: TruthCase): Record<SimAction, number> {
  const out = {} as Record<SimAction, number>;
  for (const a of SIM_ACTIONS) out[a] = incrementalProfit(c, a);
  return out;
}
