import { PeriodicTask, type Logger } from '@offerstream/core';
import type { RedisClient } from '@offerstream/redis';
import type { Campaign } from '../campaign/campaign.schema';
import { budgetLedger } from './reservation.store';

export interface PacingSettings {
  /** How often each active campaign's ledger is read. */
  readonly refreshMs: number;
  /** How fast the price rises with overspend: at twice the planned burn, the price is `gain`. */
  readonly gain: number;
  /** Ceiling of the shadow price (incremental profit demanded per unit of reserved spend). */
  readonly maxPrice: number;
}

/**
 * Shadow price of a campaign's spend from its burn rate. With a start and end date the plan is linear: spending
 * ahead of plan raises the price, so only offers whose incremental profit clears `price x cost` are made, and the
 * budget goes to the best profit per unit of cost and lasts to the end; at or behind plan the price is 0. With no
 * end date the second half of the budget is priced as it runs out. A price is a pure function of the ledger and
 * the clock, so every instance computes the same one without coordination.
 */
export function shadowPrice(
  c: Campaign,
  spent: number,
  nowMs: number,
  s: Pick<PacingSettings, 'gain' | 'maxPrice'>,
): number {
  const limit = c.budget.spend;
  if (!(limit > 0)) return 0;
  const used = Math.min(1, Math.max(0, spent / limit));
  const start = c.startsAt ? Date.parse(c.startsAt) : Date.parse(c.createdAt);
  const end = c.endsAt ? Date.parse(c.endsAt) : undefined;
  let pressure: number;
  if (end !== undefined && end > start) {
    const planned = Math.min(1, Math.max(0.02, (nowMs - start) / (end - start)));
    pressure = used / planned - 1;
  } else {
    const left = 1 - used;
    pressure = left >= 0.5 ? 0 : (0.5 - left) / Math.max(left, 0.01);
  }
  return Math.min(s.maxPrice, Math.max(0, pressure * s.gain));
}

/** Keeps every active campaign's shadow price fresh for the decisions of this instance. */
export class BudgetPacer {
  private readonly prices = new Map<string, number>();
  private readonly task: PeriodicTask;

  constructor(
    private readonly redis: RedisClient,
    private readonly campaigns: () => readonly Campaign[],
    private readonly settings: PacingSettings,
    logger?: Logger,
  ) {
    this.task = new PeriodicTask('budget pacing', settings.refreshMs, () => this.refresh(), logger);
  }

  price(campaignId: string): number {
    return this.prices.get(campaignId) ?? 0;
  }

  async refresh(nowMs = Date.now()): Promise<void> {
    const active = this.campaigns();
    const ledgers = await Promise.all(active.map((c) => budgetLedger(this.redis, c.id)));
    this.prices.clear();
    active.forEach((c, i) => this.prices.set(c.id, shadowPrice(c, ledgers[i]?.spend ?? 0, nowMs, this.settings)));
  }

  async start(): Promise<void> {
    await this.refresh();
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }
}
