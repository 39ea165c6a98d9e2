import type { MarketConfig, UserTypeConfig } from '../market.config';

/** What a test says of a kind of shopper: how offers move it. Its behaviour is the same for every kind. */
export type SmallMarketKind = Pick<UserTypeConfig, 'name' | 'share' | 'baseBuy' | 'oddsLift'>;

/**
 * A market of a few kinds for tests that give the policy its features directly, so the kinds' behaviour never
 * matters: one catalog of ten items at `price`, cost half the price.
 */
export function smallMarket(
  name: string,
  price: [number, number],
  shippingCost: number,
  kinds: readonly SmallMarketKind[],
): MarketConfig {
  const behaviour: UserTypeConfig['behaviour'] = {
    viewsBeforeCart: [1, 1],
    cartRate: 0.5,
    historyPurchases: 1,
    recencyDays: 10,
    priceLevel: 1,
  };
  return {
    name,
    catalog: { items: 10, categories: 1, price, costShare: [0.5, 0.5] },
    shippingCost,
    userTypes: kinds.map((k) => ({ ...k, behaviour })),
  };
}
