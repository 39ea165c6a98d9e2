import { PeriodicTask, type Logger } from '@offerstream/core';
import type { RedisClient } from '@offerstream/redis';
import type { Campaign } from '../campaign/campaign.schema';
import type { ShadowPrices } from '../policy/offer-policy';
import { OfferPricer } from './offer-pricer';
import { budgetLedger } from './reservation.store';

export interface PacingSettings {
  /** How often each active campaign's ledger is read. */
  readonly refreshMs: number;
  /** How fast the price rises with overspend: at twice the planned burn, the price is `gain`. */
  readonly gain: number;
  /** Ceiling of the shadow price (incremental profit demanded per unit of reserved spend). */
  readonly maxPrice: number;
  /** Whether offers made are paced as well as spend (see offerPrice); default true. */
  readonly paceOffers?: boolean;
}

/**
 * How far a budget runs ahead of its plan: 0 at or behind it, 1 at twice the planned burn. With a start and end date
 * the plan is linear. With no end date the budget should last as long again as the campaign has run, which comes to
 * pricing the second half as it runs out: (0.5 - left) / left once less than half is left.
 */
export function budgetPressure(c: Campaign, usedShare: number, nowMs: number): number {
  const used = Math.min(1, Math.max(0, usedShare));
  const start = c.startsAt ? Date.parse(c.startsAt) : Date.parse(c.createdAt);
  const end = c.endsAt ? Date.parse(c.endsAt) : undefined;
  if (end !== undefined && end > start) {
    const planned = Math.min(1, Math.max(0.02, (nowMs - start) / (end - start)));
    return Math.max(0, used / planned - 1);
  }
  return openEndedPressure(used);
}

/** budgetPressure of a campaign with no end date: the second half of the budget is priced as it runs out. */
export function openEndedPressure(usedShare: number): number {
  const left = 1 - Math.min(1, Math.max(0, usedShare));
  return left >= 0.5 ? 0 : (0.5 - left) / Math.max(left, 0.01);
}

/**
 * Shadow price of a campaign's spend from its burn rate: spending ahead of plan raises the price, so only offers whose
 * incremental profit clears `price x cost` are made, and the budget goes to the best profit per unit of cost and lasts
 * to the end; at or behind plan the price is 0. A price is a pure function of the ledger and the clock, so every
 * instance computes the same one without coordination.
 */
export function shadowPrice(
  c: Campaign,
  spent: number,
  nowMs: number,
  s: Pick<PacingSettings, 'gain' | 'maxPrice'>,
): number {
  const limit = c.budget.spend;
  if (!(limit > 0)) return 0;
  return Math.min(s.maxPrice, Math.max(0, budgetPressure(c, spent / limit, nowMs) * s.gain));
}

/** Keeps every active campaign's shadow prices (spend and offers made) fresh for the decisions of this instance. */
export class BudgetPacer {
  private readonly prices = new Map<string, ShadowPrices>();
  private readonly pricers = new Map<string, OfferPricer>();
  private readonly task: PeriodicTask;

  constructor(
    private readonly redis: RedisClient,
    private readonly campaigns: () => readonly Campaign[],
    private readonly settings: PacingSettings,
    logger?: Logger,
  ) {
    this.task = new PeriodicTask('budget pacing', settings.refreshMs, () => this.refresh(), logger);
  }

  price(campaignId: string): ShadowPrices {
    return this.prices.get(campaignId) ?? { perCost: 0, perOffer: 0 };
  }

  /** The best gain a decision of the campaign could have made before the price of offers made (offerPrice). */
  observe(campaignId: string, bestGain: number): void {
    if (this.settings.paceOffers === false) return;
    let p = this.pricers.get(campaignId);
    if (!p) this.pricers.set(campaignId, (p = new OfferPricer()));
    p.observe(bestGain);
  }

  async refresh(nowMs = Date.now()): Promise<void> {
    const active = this.campaigns();
    const ledgers = await Promise.all(active.map((c) => budgetLedger(this.redis, c.id)));
    this.prices.clear();
    active.forEach((c, i) => {
      const l = ledgers[i];
      // The cap is on offers made: `count` in the ledger is what is still outstanding (dismissals give it back).
      const pressure = c.budget.count > 0 ? budgetPressure(c, (l?.made ?? 0) / c.budget.count, nowMs) : 0;
      const paced = this.settings.paceOffers !== false;
      this.prices.set(c.id, {
        perCost: shadowPrice(c, l?.spend ?? 0, nowMs, this.settings),
        perOffer: paced ? (this.pricers.get(c.id)?.price(pressure) ?? 0) : 0,
        offerShare: paced ? 1 / (1 + pressure) : 1,
      });
    });
  }

  async start(): Promise<void> {
    await this.refresh();
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }
}
