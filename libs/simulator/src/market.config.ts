import { z } from 'zod';

const probability = z.number().min(0).max(1);
const range = z
  .tuple([z.number().min(0), z.number().min(0)])
  .refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');

/** The offer actions the simulated campaign makes, named as the decision service names them. */
export const SIM_ACTIONS = ['pct10', 'pct20', 'free_shipping'] as const;
export type SimAction = (typeof SIM_ACTIONS)[number];
export type SimActionOrNone = SimAction | 'none';

/**
 * One kind of shopper: how an offer changes their odds of buying (the ground truth the policy must discover) and
 * the behaviour the shop can observe (the only thing the policy sees).
 */
export const userTypeConfig = z.object({
  name: z.string().min(1),
  share: z.number().positive(),
  /** P(buy the item looked at | no offer). */
  baseBuy: probability,
  /** Multiplier on the odds of buying per offer action (1 = indifferent, < 1 = put off). */
  oddsLift: z.object({
    pct10: z.number().positive(),
    pct20: z.number().positive(),
    free_shipping: z.number().positive(),
  }),
  behaviour: z.object({
    /** Product views in the session before the item asked about (inclusive range). */
    viewsBeforeCart: range,
    /** Probability the item asked about is in the cart. */
    cartRate: probability,
    /** Mean number of past purchases (Poisson). */
    historyPurchases: z.number().min(0),
    /** Mean days since the last past purchase (exponential). */
    recencyDays: z.number().positive(),
    /** Price of the items looked at, as a multiple of the catalog's median price. */
    priceLevel: z.number().positive(),
  }),
});
export type UserTypeConfig = z.infer<typeof userTypeConfig>;

export const marketConfig = z.object({
  name: z.string().min(1),
  catalog: z.object({
    items: z.number().int().min(10).max(100_000),
    categories: z.number().int().min(1).max(1_000),
    /** Prices are log-uniform in this range. */
    price: range,
    /** Unit cost as a share of price, uniform in this range. */
    costShare: range,
  }),
  /** What free shipping costs the shop per order. */
  shippingCost: z.number().min(0),
  userTypes: z.array(userTypeConfig).min(1),
});
export type MarketConfig = z.infer<typeof marketConfig>;

/**
 * The market the team described: buyers who buy anyway, shoppers persuaded by a discount or by free shipping, users
 * who never buy and users an offer puts off, each with its own observable behaviour.
 */
export const DEFAULT_MARKET: MarketConfig = {
  name: 'default',
  catalog: { items: 300, categories: 8, price: [8, 200], costShare: [0.45, 0.75] },
  shippingCost: 4.9,
  userTypes: [
    {
      name: 'buys_anyway',
      share: 0.2,
      baseBuy: 0.5,
      oddsLift: { pct10: 1, pct20: 1, free_shipping: 1 },
      behaviour: { viewsBeforeCart: [1, 2], cartRate: 0.7, historyPurchases: 4, recencyDays: 10, priceLevel: 1.2 },
    },
    {
      name: 'discount_persuadable',
      share: 0.2,
      baseBuy: 0.08,
      oddsLift: { pct10: 3, pct20: 7, free_shipping: 1.3 },
      behaviour: { viewsBeforeCart: [4, 8], cartRate: 0.5, historyPurchases: 2, recencyDays: 40, priceLevel: 0.8 },
    },
    {
      name: 'shipping_persuadable',
      share: 0.15,
      baseBuy: 0.1,
      oddsLift: { pct10: 1.3, pct20: 1.6, free_shipping: 6 },
      behaviour: { viewsBeforeCart: [3, 5], cartRate: 0.6, historyPurchases: 1, recencyDays: 60, priceLevel: 0.9 },
    },
    {
      name: 'never_buys',
      share: 0.3,
      baseBuy: 0.01,
      oddsLift: { pct10: 1, pct20: 1, free_shipping: 1 },
      behaviour: { viewsBeforeCart: [6, 12], cartRate: 0.05, historyPurchases: 0, recencyDays: 200, priceLevel: 1 },
    },
    {
      name: 'put_off',
      share: 0.15,
      baseBuy: 0.35,
      oddsLift: { pct10: 0.5, pct20: 0.35, free_shipping: 0.6 },
      behaviour: { viewsBeforeCart: [2, 3], cartRate: 0.4, historyPurchases: 6, recencyDays: 5, priceLevel: 1.6 },
    },
  ],
};
