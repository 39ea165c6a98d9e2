import { SIM_ACTIONS, type SimAction, type SimActionOrNone } from './market.config';

/** One decided request: the true incremental profit of each offer action and what the live policy executed. */
export interface ScoredRequest {
  readonly incremental: Readonly<Record<SimAction, number>>;
  /** 'none' for no offer and for the holdout. */
  readonly executed: SimActionOrNone;
}

/** The campaign report's profit estimate with its 95% interval, when the report gives one. */
export interface ReportEstimate {
  readonly field: 'incrementalGrossProfit' | 'incrementalProfitEstimate';
  readonly estimate: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** True incremental profit (expected, from the ground truth) of each policy over the same requests. */
export interface PolicyScores {
  readonly requests: number;
  readonly offers: number;
  readonly live: number;
  readonly noOffers: number;
  readonly offersToAll: Readonly<Record<SimAction, number>>;
  readonly randomSameCount: number;
  readonly oracleSameCount: number;
  /**
   * The requests the live policy made offers on, each given its best action instead (no offer where every offer
   * loses). Live below it is the offer chosen; it below the oracle is who was chosen.
   */
  readonly bestActionSameRequests: number;
}

const live = (r: ScoredRequest): number => (r.executed === 'none' ? 0 : r.incremental[r.executed]);
const best = (r: ScoredRequest): number => Math.max(0, ...SIM_ACTIONS.map((a) => r.incremental[a]));

/**
 * Scores the live policy beside the reference policies at the same number of offers: random (expected value of
 * that many offers, each to a uniformly random request with a uniformly random action) and the oracle (that many
 * offers at most, each the best action, to the requests where the best action earns most; it never makes an offer
 * that loses money).
 */
export function scoreRequests(requests: readonly ScoredRequest[]): PolicyScores {
  const offers = requests.filter((r) => r.executed !== 'none').length;
  const offersToAll = {} as Record<SimAction, number>;
  let allPairs = 0;
  for (const a of SIM_ACTIONS) {
    offersToAll[a] = requests.reduce((s, r) => s + r.incremental[a], 0);
    allPairs += offersToAll[a];
  }
  const n = requests.length;
  const randomSameCount = n === 0 ? 0 : (offers * allPairs) / (n * SIM_ACTIONS.length);
  const oracleSameCount = requests
    .map(best)
    .sort((x, y) => y - x)
    .slice(0, offers)
    .reduce((s, v) => s + v, 0);
  return {
    requests: n,
    offers,
    live: requests.reduce((s, r) => s + live(r), 0),
    noOffers: 0,
    offersToAll,
    randomSameCount,
    oracleSameCount,
    bestActionSameRequests: requests.reduce((s, r) => s + (r.executed === 'none' ? 0 : best(r)), 0),
  };
}

/** Sums per-round scores (random and oracle stay at each round's own count, as the bar compares them). */
export function sumScores(rounds: readonly PolicyScores[]): PolicyScores {
  const offersToAll = {} as Record<SimAction, number>;
  for (const a of SIM_ACTIONS) offersToAll[a] = rounds.reduce((s, r) => s + r.offersToAll[a], 0);
  const sum = (
    k: 'requests' | 'offers' | 'live' | 'randomSameCount' | 'oracleSameCount' | 'bestActionSameRequests',
  ): number => rounds.reduce((s, r) => s + r[k], 0);
  return {
    requests: sum('requests'),
    offers: sum('offers'),
    live: sum('live'),
    noOffers: 0,
    offersToAll,
    randomSameCount: sum('randomSameCount'),
    oracleSameCount: sum('oracleSameCount'),
    bestActionSameRequests: sum('bestActionSameRequests'),
  };
}

/** Whether the report's interval covers the truth; null when the report gives no interval. */
export function intervalCovers(report: ReportEstimate | null, truth: number): boolean | null {
  if (!report || report.lower === null || report.upper === null) return null;
  return report.lower <= truth && truth <= report.upper;
}

/**
 * Reads the profit estimate from a campaign report: the gross-profit interval when present, else the point estimate.
 */
export function reportEstimate(report: Record<string, unknown>): ReportEstimate | null {
  const g = report['incrementalGrossProfit'];
  if (g && typeof g === 'object') {
    const { estimate, lower, upper } = g as Record<string, unknown>;
    if (typeof estimate === 'number' && typeof lower === 'number' && typeof upper === 'number') {
      return { field: 'incrementalGrossProfit', estimate, lower, upper };
    }
  }
  const p = report['incrementalProfitEstimate'];
  return typeof p === 'number' ? { field: 'incrementalProfitEstimate', estimate: p, lower: null, upper: null } : null;
}
