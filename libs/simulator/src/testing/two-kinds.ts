import { POLICY_FEATURES } from '@offerstream/decision';
import type { TruthCase } from '../truth';
import type { MarketConfig } from '../market.config';
import { smallMarket } from './small-market';

/** Two kinds: one moved by 10% off only, one by free shipping only, half the shoppers each; items at 50, cost 25. */
export const TWO_KINDS: MarketConfig = smallMarket('two-kinds', [50, 50], 5, [
  { name: 'ten', share: 1, baseBuy: 0.1, oddsLift: { pct10: 4, pct20: 1, free_shipping: 1 } },
  { name: 'ship', share: 1, baseBuy: 0.1, oddsLift: { pct10: 1, pct20: 1, free_shipping: 4 } },
]);

/**
 * One shopper of TWO_KINDS as the policy sees them: their kind shows in their number of session views (one or four)
 * `signal` of the time, else the other kind's. Draws twice from `random` (the kind, then the signal).
 */
export function twoKindShopper(
  random: () => number,
  signal: number,
): { type: MarketConfig['userTypes'][number]; features: number[]; truth: TruthCase } {
  const kind = random() < 0.5 ? 0 : 1;
  const type = TWO_KINDS.userTypes[kind] as MarketConfig['userTypes'][number];
  const features = new Array<number>(POLICY_FEATURES.length).fill(0);
  features[POLICY_FEATURES.indexOf('logPrice')] = Math.log1p(50);
  features[POLICY_FEATURES.indexOf('marginRate')] = 0.5;
  features[POLICY_FEATURES.indexOf('sessionViews')] = Math.log1p((random() < signal ? kind : 1 - kind) === 0 ? 1 : 4);
  return { type, features, truth: { type, price: 50, cost: 25, shippingCost: 5 } };
}
