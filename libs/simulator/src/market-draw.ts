import { parseCommandFlags, positiveIntFlag, seededRandom, ValidationError, type Rng } from '@offerstream/core';
import { marketConfig, type MarketConfig, type UserTypeConfig } from './market.config';

type Range = readonly [number, number];

/** How a kind answers: P(buy) with no offer, and the odds lift of 10% off, 20% off and free shipping. */
type Response = readonly [baseBuy: Range, pct10: Range, pct20: Range, freeShipping: Range];
/**
 * What the shop sees of a kind: the first view count and how many more the range spans, cart rate, mean past
 * purchases, mean days since the last, price level; and the kind's relative weight before its share is drawn.
 */
type Behaviour = readonly [
  viewsFrom: Range,
  viewsSpan: Range,
  cartRate: Range,
  history: Range,
  recencyDays: Range,
  priceLevel: Range,
  weight: number,
];

/**
 * The kinds of the simulated shop (buys anyway, persuaded by a discount, persuaded by free shipping, never
 * buys, put off by an offer) and newcomers, each with wide ranges. Drawing a market from them, rather than writing one,
 * keeps whoever tunes the policy from also choosing how hard its test is.
 */
// prettier-ignore
const RESPONSES: Readonly<Record<string, Response>> = {
  //               baseBuy        pct10        pct20        freeShipping
  loyal:          [[0.2, 0.4],    [1, 1.1],    [1.05, 1.2], [1, 1.1]],
  'discount-led': [[0.03, 0.08],  [1.6, 2.6],  [2.5, 4.5],  [1, 1.5]],
  'shipping-led': [[0.05, 0.12],  [1, 1.3],    [1.1, 1.5],  [2, 3.5]],
  browser:        [[0.008, 0.02], [1.1, 1.6],  [1.2, 1.9],  [1.1, 1.5]],
  'put-off':      [[0.12, 0.28],  [0.7, 0.9],  [0.55, 0.8], [0.85, 1]],
  newcomer:       [[0.05, 0.1],   [1.3, 2],    [1.6, 2.6],  [1.4, 2.4]],
};

/** Browsers weigh double: they are the largest group in the shops we have. */
// prettier-ignore
const BEHAVIOURS: Readonly<Record<string, Behaviour>> = {
  //               viewsFrom viewsSpan cartRate      history     recencyDays priceLevel    weight
  loyal:          [[1, 2],   [1, 3],   [0.6, 0.8],   [3, 8],     [8, 30],    [0.9, 1.3],   1],
  'discount-led': [[3, 6],   [3, 8],   [0.3, 0.5],   [0.5, 2],   [40, 90],   [0.55, 0.85], 1],
  'shipping-led': [[2, 3],   [2, 4],   [0.5, 0.75],  [1, 4],     [25, 70],   [0.75, 1.05], 1],
  browser:        [[3, 6],   [5, 12],  [0.05, 0.12], [0, 0.3],   [180, 365], [0.9, 1.1],   2],
  'put-off':      [[1, 3],   [2, 4],   [0.45, 0.7],  [2, 6],     [15, 40],   [1.1, 1.6],   1],
  newcomer:       [[2, 5],   [3, 6],   [0.35, 0.6],  [0, 0],     [365, 365], [0.8, 1.1],   1],
};

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** A market drawn at random from the kinds: same seed, same market. */
export function drawMarket(seed: number, name: string): MarketConfig {
  const rnd: Rng = seededRandom(seed);
  const real = ([lo, hi]: Range): number => round2(lo + rnd() * (hi - lo));
  const int = ([lo, hi]: Range): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const kinds = Object.keys(RESPONSES);
  const types = kinds.map((name): Omit<UserTypeConfig, 'share'> => {
    const [baseBuy, pct10, pct20, freeShipping] = RESPONSES[name] as Response;
    const [viewsFrom, viewsSpan, cartRate, history, recencyDays, priceLevel] = BEHAVIOURS[name] as Behaviour;
    // The draws' order is part of what a seed means (the committed drawn markets are seeds 1-10): keep it.
    const from = int(viewsFrom);
    return {
      name,
      baseBuy: real(baseBuy),
      oddsLift: { pct10: real(pct10), pct20: real(pct20), free_shipping: real(freeShipping) },
      behaviour: {
        viewsBeforeCart: [from, from + int(viewsSpan)],
        cartRate: real(cartRate),
        historyPurchases: real(history),
        recencyDays: int(recencyDays),
        priceLevel: real(priceLevel),
      },
    };
  });
  const weights = kinds.map((name) => (BEHAVIOURS[name] as Behaviour)[6] * (0.5 + rnd()));
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
