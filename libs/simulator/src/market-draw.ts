import { parseCommandFlags, positiveIntFlag, seededRandom, ValidationError, type Rng } from '@offerstream/core';
import { marketConfig, type MarketConfig, type UserTypeConfig } from './market.config';

type Range = readonly [number, number];

/** One kind of shopper the issue describes, as ranges its parameters are drawn from. */
interface KindRanges {
  readonly name: string;
  readonly baseBuy: Range;
  readonly pct10: Range;
  readonly pct20: Range;
  readonly freeShipping: Range;
  /** First view count, and how many more the range spans. */
  readonly viewsFrom: Range;
  readonly viewsSpan: Range;
  readonly cartRate: Range;
  readonly historyPurchases: Range;
  readonly recencyDays: Range;
  readonly priceLevel: Range;
  /** Relative weight of the kind's share before it is drawn (browsers are the largest group in the shops we have). */
  readonly weight: number;
}

/**
 * The kinds of the simulated shop (buys anyway, persuaded by a discount, persuaded by free shipping, never
 * buys, put off by an offer) and newcomers, each with wide ranges. Drawing a market from them, rather than writing one,
 * keeps whoever tunes the policy from also choosing how hard its test is.
 */
const KINDS: readonly KindRanges[] = [
  {
    name: 'loyal',
    baseBuy: [0.2, 0.4],
    pct10: [1, 1.1],
    pct20: [1.05, 1.2],
    freeShipping: [1, 1.1],
    viewsFrom: [1, 2],
    viewsSpan: [1, 3],
    cartRate: [0.6, 0.8],
    historyPurchases: [3, 8],
    recencyDays: [8, 30],
    priceLevel: [0.9, 1.3],
    weight: 1,
  },
  {
    name: 'discount-led',
    baseBuy: [0.03, 0.08],
    pct10: [1.6, 2.6],
    pct20: [2.5, 4.5],
    freeShipping: [1, 1.5],
    viewsFrom: [3, 6],
    viewsSpan: [3, 8],
    cartRate: [0.3, 0.5],
    historyPurchases: [0.5, 2],
    recencyDays: [40, 90],
    priceLevel: [0.55, 0.85],
    weight: 1,
  },
  {
    name: 'shipping-led',
    baseBuy: [0.05, 0.12],
    pct10: [1, 1.3],
    pct20: [1.1, 1.5],
    freeShipping: [2, 3.5],
    viewsFrom: [2, 3],
    viewsSpan: [2, 4],
    cartRate: [0.5, 0.75],
    historyPurchases: [1, 4],
    recencyDays: [25, 70],
    priceLevel: [0.75, 1.05],
    weight: 1,
  },
  {
    name: 'browser',
    baseBuy: [0.008, 0.02],
    pct10: [1.1, 1.6],
    pct20: [1.2, 1.9],
    freeShipping: [1.1, 1.5],
    viewsFrom: [3, 6],
    viewsSpan: [5, 12],
    cartRate: [0.05, 0.12],
    historyPurchases: [0, 0.3],
    recencyDays: [180, 365],
    priceLevel: [0.9, 1.1],
    weight: 2,
  },
  {
    name: 'put-off',
    baseBuy: [0.12, 0.28],
    pct10: [0.7, 0.9],
    pct20: [0.55, 0.8],
    freeShipping: [0.85, 1],
    viewsFrom: [1, 3],
    viewsSpan: [2, 4],
    cartRate: [0.45, 0.7],
    historyPurchases: [2, 6],
    recencyDays: [15, 40],
    priceLevel: [1.1, 1.6],
    weight: 1,
  },
  {
    name: 'newcomer',
    baseBuy: [0.05, 0.1],
    pct10: [1.3, 2],
    pct20: [1.6, 2.6],
    freeShipping: [1.4, 2.4],
    viewsFrom: [2, 5],
    viewsSpan: [3, 6],
    cartRate: [0.35, 0.6],
    historyPurchases: [0, 0],
    recencyDays: [365, 365],
    priceLevel: [0.8, 1.1],
    weight: 1,
  },
];

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** A market drawn at random from the kinds: same seed, same market. */
export function drawMarket(seed: number, name: string): MarketConfig {
  const rnd: Rng = seededRandom(seed);
  const real = ([lo, hi]: Range): number => round2(lo + rnd() * (hi - lo));
  const int = ([lo, hi]: Range): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const types = KINDS.map((k): Omit<UserTypeConfig, 'share'> => {
    const from = int(k.viewsFrom);
    return {
      name: k.name,
      baseBuy: real(k.baseBuy),
      oddsLift: { pct10: real(k.pct10), pct20: real(k.pct20), free_shipping: real(k.freeShipping) },
      behaviour: {
        viewsBeforeCart: [from, from + int(k.viewsSpan)],
        cartRate: real(k.cartRate),
        historyPurchases: real(k.historyPurchases),
        recencyDays: int(k.recencyDays),
        priceLevel: real(k.priceLevel),
      },
    };
  });
  const weights = KINDS.map((k) => k.weight * (0.5 + rnd()));
  const total = weights.reduce((s, w) => s + w, 0);
  const costShare = real([0.35, 0.55]);
  return marketConfig.parse({
    name,
    catalog: {
      items: int([300, 1200]),
      categories: int([6, 24]),
      price: [int([5, 15]), int([120, 320])],
      costShare: [costShare, round2(costShare + real([0.1, 0.25]))],
    },
    shippingCost: real([4.5, 8.5]),
    userTypes: types.map((t, i) => ({ ...t, share: round2((weights[i] as number) / total) })),
  });
}

const USAGE = `usage: npm run evaluate -- sim-market --seed N [--name NAME]
  --seed N     which draw (a whole number >= 1); the same seed always draws the same market
  --name NAME  the market's name (default: drawn-N)
Prints a market for npm run simulate -- --config FILE, drawn at random from the issue's kinds of shopper.`;

/** `npm run evaluate -- sim-market`: a drawn market as JSON; undefined after printing --help. */
export function runDrawMarketCommand(argv: string[]): Promise<MarketConfig | undefined> {
  const flags = parseCommandFlags(argv, { seed: { type: 'string' }, name: { type: 'string' } }, USAGE);
  if (flags === null) return Promise.resolve(undefined);
  const seed = positiveIntFlag(flags.seed, '--seed');
  if (seed === undefined) throw new ValidationError(`--seed N is required\n${USAGE}`);
  return Promise.resolve(drawMarket(seed, flags.name ?? `drawn-${seed}`));
}
