import { seededRandom } from '@offerstream/core';
import type { MarketConfig, UserTypeConfig } from './market.config';
import type { TruthCase } from './truth';

export interface SimItem {
  readonly itemId: string;
  readonly category: string;
  readonly price: number;
  readonly cost: number;
}

/** One shopper's visit that ends in an offer request about `item`. */
export interface SimSession {
  readonly userId: string;
  readonly type: UserTypeConfig;
  readonly item: SimItem;
  /** Items viewed before the item asked about (which is viewed last). */
  readonly viewed: readonly SimItem[];
  readonly carted: boolean;
  /** Past purchases, days before the session. */
  readonly history: readonly { readonly item: SimItem; readonly daysAgo: number }[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * A seeded ground-truth shop: the catalog once, then per round a fresh set of shoppers (one request each, so the
 * campaign report's customers are exactly the requests). Every draw comes from the repo's one seeded PRNG, and each
 * round has its own stream so a round is reproducible whatever ran before it.
 */
export class Market {
  readonly items: readonly SimItem[];
  private readonly medianPrice: number;
  private readonly cumulativeShares: number[];

  constructor(
    readonly config: MarketConfig,
    readonly seed: number,
    /** Prefix of every user and item id, so runs sharing topics never mix. */
    readonly tag: string,
  ) {
    const rnd = seededRandom(seed);
    const { items, categories, price, costShare } = config.catalog;
    const [lo, hi] = price;
    this.items = Array.from({ length: items }, (_, i) => {
      const p = round2(Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo))));
      const share = costShare[0] + rnd() * (costShare[1] - costShare[0]);
      return {
        itemId: `${tag}-i${i}`,
        category: `cat-${Math.floor(rnd() * categories)}`,
        price: p,
        cost: round2(p * share),
      };
    });
    const sorted = this.items.map((i) => i.price).sort((a, b) => a - b);
    this.medianPrice = sorted[Math.floor(sorted.length / 2)] ?? lo;
    const total = config.userTypes.reduce((s, t) => s + t.share, 0);
    let acc = 0;
    this.cumulativeShares = config.userTypes.map((t) => (acc += t.share / total));
  }

  sessions(round: number, count: number): SimSession[] {
    const rnd = seededRandom((this.seed * 7919 + round * 104_729) >>> 0);
    return Array.from({ length: count }, (_, i) => this.session(rnd, `${this.tag}-r${round}-u${i}`));
  }

  truthCase(s: SimSession): TruthCase {
    return { type: s.type, price: s.item.price, cost: s.item.cost, shippingCost: this.config.shippingCost };
  }

  private session(rnd: () => number, userId: string): SimSession {
    const u = rnd();
    const index = this.cumulativeShares.findIndex((c) => u < c);
    const type = this.config.userTypes[index < 0 ? this.config.userTypes.length - 1 : index]!;
    const b = type.behaviour;
    const pick = (): SimItem => this.itemNear(rnd, b.priceLevel);
    const views = b.viewsBeforeCart[0] + Math.floor(rnd() * (b.viewsBeforeCart[1] - b.viewsBeforeCart[0] + 1));
    const viewed = Array.from({ length: Math.max(0, views - 1) }, pick);
    const item = pick();
    const carted = rnd() < b.cartRate;
    const purchases = poisson(rnd, b.historyPurchases);
    let daysAgo = -Math.log(1 - rnd()) * b.recencyDays;
    const history = Array.from({ length: purchases }, () => {
      const h = { item: pick(), daysAgo };
      daysAgo += -Math.log(1 - rnd()) * b.recencyDays;
      return h;
    });
    return { userId, type, item, viewed, carted, history };
  }

  /** The closest in log-price of a few random items to the shopper's price level (with some spread). */
  private itemNear(rnd: () => number, level: number): SimItem {
    const target = Math.log(this.medianPrice * level) + (rnd() - 0.5) * 0.6;
    let bestItem = this.items[0]!;
    let bestGap = Infinity;
    for (let k = 0; k < 8; k++) {
      const it = this.items[Math.floor(rnd() * this.items.length)]!;
      const gap = Math.abs(Math.log(it.price) - target);
      if (gap < bestGap) [bestItem, bestGap] = [it, gap];
    }
    return bestItem;
  }
}

function poisson(rnd: () => number, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rnd();
  while (p > limit && k < 100) {
    k++;
    p *= rnd();
  }
  return k;
}
