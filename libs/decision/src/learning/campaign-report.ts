import {
  evaluatePolicies,
  incrementalConversionInterval,
  standardPolicies,
  welchInterval,
  type Interval,
  type PolicyEvaluation,
} from '@offerstream/uplift';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { Campaign } from '../campaign/campaign.schema';
import { budgetLedger } from '../guardrails/reservation.store';
import type { JoinedDecision } from './decision-outcome.store';
import { opeDecision } from './profit-refit';

export interface GroupFigures {
  readonly customers: number;
  readonly conversions: number;
  readonly orders: number;
  readonly revenue: number;
  readonly conversionRate: number | null;
  readonly revenuePerCustomer: number | null;
  /** Gross profit: what was paid, minus cost of goods, minus free shipping the shop bore. */
  readonly grossProfit: number;
  readonly grossProfitPerCustomer: number | null;
  /** Revenue of lines whose cost the catalogue did not give: their cost was assumed from the default margin. */
  readonly revenueWithoutCost: number;
}

export interface CampaignReport {
  readonly campaignId: string;
  readonly status: Campaign['status'];
  /**
   * reservedSpend/offers: held against the limits now (open plus redeemed); openSpend: awaiting an outcome;
   * redeemed and released: over the campaign's life (released spend went back and could be offered again);
   * lateRedeemed: redeems of offers already released, which the budget did not pay for.
   */
  readonly budget: {
    readonly spendLimit: number;
    readonly countLimit: number;
    readonly reservedSpend: number;
    readonly offers: number;
    /** Offers made over the campaign's life; the count limit caps this. */
    readonly offersMade: number;
    readonly openSpend: number;
    readonly openOffers: number;
    readonly redeemedSpend: number;
    readonly redeemedOffers: number;
    readonly releasedSpend: number;
    readonly releasedOffers: number;
    readonly releasedUnreported: number;
    readonly lateRedeemedSpend: number;
    readonly lateRedeemedOffers: number;
  };
  readonly outcomes: Record<string, number>;
  readonly redemptions: number;
  readonly redeemedSpend: number;
  readonly redeemedRevenue: number;
  readonly treated: GroupFigures;
  readonly holdout: GroupFigures;
  /** Treated minus holdout conversion rate, with a Newcombe 95% interval; null until both groups have members. */
  readonly incrementalConversionRate: Interval | null;
  /** The rate difference times the treated customers: conversions the campaign caused. */
  readonly incrementalConversions: Interval | null;
  /** Welch 95% interval of revenue per customer, treated minus holdout, and scaled to the treated group. */
  readonly incrementalRevenuePerCustomer: Interval | null;
  readonly incrementalRevenue: Interval | null;
  /**
   * What the campaign earned: treated minus holdout gross profit per customer (Welch 95% interval), scaled to the
   * treated customers. Discounts are already out of what treated customers paid, and free shipping is subtracted,
   * so this is profit, not revenue. Null until both groups have two customers.
   */
  readonly incrementalGrossProfit: Interval | null;
  /** Share of attributed revenue whose cost of goods came from the catalogue (the rest assumed the default margin). */
  readonly costCoverage: number | null;
  /**
   * Off-policy estimates (IPS, SNIPS, doubly robust, 95% intervals) of the value per decision of the logging
   * policy, no offers, each action to all, and random, overall and per segment, from the campaign's joined decisions.
   */
  readonly offPolicy: PolicyEvaluation | null;
}

const cents = (x: number): number => Math.round(x * 100) / 100;
const num = (h: Record<string, string>, k: string): number => Number(h[k] ?? 0);

function group(h: Record<string, string>, g: 'T' | 'H'): GroupFigures & { revenueSq: number; profitSq: number } {
  const customers = num(h, `members:${g}`);
  const conversions = Math.min(num(h, `conversions:${g}`), customers);
  const revenue = num(h, `revenue:${g}`);
  return {
    customers,
    conversions,
    orders: num(h, `orders:${g}`),
    revenue,
    revenueSq: num(h, `revenueSq:${g}`),
    profitSq: num(h, `profitSq:${g}`),
    conversionRate: customers > 0 ? conversions / customers : null,
    revenuePerCustomer: customers > 0 ? revenue / customers : null,
    grossProfit: num(h, `profit:${g}`),
    grossProfitPerCustomer: customers > 0 ? num(h, `profit:${g}`) / customers : null,
    revenueWithoutCost: num(h, `revenueWithoutCost:${g}`),
  };
}

const scale = (i: Interval, k: number): Interval => ({
  estimate: i.estimate * k,
  lower: i.lower * k,
  upper: i.upper * k,
  level: i.level,
});

/** Joined decisions of the campaign an off-policy estimate is made from (the newest). */
const OPE_MAX_DECISIONS = 20_000;
const OPE_MIN_DECISIONS = 50;

function offPolicy(joined: readonly JoinedDecision[], campaignId: string): PolicyEvaluation | null {
  const mine = joined
    .filter((d) => d.campaignId === campaignId && !d.holdout)
    .slice(-OPE_MAX_DECISIONS)
    .map(opeDecision);
  if (mine.length < OPE_MIN_DECISIONS) return null;
  const actions = [...new Set(mine.flatMap((d) => d.available))];
  return evaluatePolicies(mine, standardPolicies(actions));
}

/** Campaign figures with incrementality against the holdout and confidence intervals from libs/uplift. */
export async function campaignReport(
  redis: RedisClient,
  c: Campaign,
  joined: readonly JoinedDecision[] = [],
): Promise<CampaignReport> {
  const [h, b] = await Promise.all([redis.hgetall(RedisKeys.campaign.stats(c.id)), budgetLedger(redis, c.id)]);
  const { revenueSq: sqT, profitSq: psT, ...treated } = group(h, 'T');
  const { revenueSq: sqH, profitSq: psH, ...holdout } = group(h, 'H');
  const outcomes: Record<string, number> = {};
  for (const [k, v] of Object.entries(h)) if (k.startsWith('outcome:')) outcomes[k.slice(8)] = Number(v);
  const both = treated.customers > 0 && holdout.customers > 0;
  const rate = both
    ? incrementalConversionInterval(
        { conversions: treated.conversions, customers: treated.customers },
        { conversions: holdout.conversions, customers: holdout.customers },
      )
    : null;
  const summary = (n: number, sum: number, sq: number) => {
    const mean = n > 0 ? sum / n : 0;
    return { n, mean, variance: n > 1 ? Math.max(0, (sq - n * mean * mean) / (n - 1)) : 0 };
  };
  const revenue =
    treated.customers >= 2 && holdout.customers >= 2
      ? welchInterval(
          summary(treated.customers, treated.revenue, sqT),
          summary(holdout.customers, holdout.revenue, sqH),
        )
      : null;
  const redeemedSpend = num(h, 'redeemSpend');
  const incrementalRevenue = revenue ? scale(revenue, treated.customers) : null;
  const profit =
    treated.customers >= 2 && holdout.customers >= 2
      ? welchInterval(
          summary(treated.customers, treated.grossProfit, psT),
          summary(holdout.customers, holdout.grossProfit, psH),
        )
      : null;
  const attributed = treated.revenue + holdout.revenue;
  return {
    campaignId: c.id,
    status: c.status,
    budget: {
      spendLimit: c.budget.spend,
      countLimit: c.budget.count,
      reservedSpend: b.spend,
      offers: b.count,
      offersMade: b.made,
      openSpend: cents(b.spend - b.redeemedSpend),
      openOffers: b.count - b.redeemedCount,
      redeemedSpend: b.redeemedSpend,
      redeemedOffers: b.redeemedCount,
      releasedSpend: b.releasedSpend,
      releasedOffers: b.releasedCount,
      releasedUnreported: b.windowReleasedCount,
      lateRedeemedSpend: b.lateRedeemedSpend,
      lateRedeemedOffers: b.lateRedeemedCount,
    },
    outcomes,
    redemptions: outcomes['redeem'] ?? 0,
    redeemedSpend,
    redeemedRevenue: num(h, 'redeemRevenue'),
    treated,
    holdout,
    incrementalConversionRate: rate,
    incrementalConversions: rate ? scale(rate, treated.customers) : null,
    incrementalRevenuePerCustomer: revenue
      ? { estimate: revenue.estimate, lower: revenue.lower, upper: revenue.upper, level: revenue.level }
      : null,
    incrementalRevenue,
    incrementalGrossProfit: profit ? scale(profit, treated.customers) : null,
    costCoverage: attributed > 0 ? 1 - (treated.revenueWithoutCost + holdout.revenueWithoutCost) / attributed : null,
    offPolicy: offPolicy(joined, c.id),
  };
}
