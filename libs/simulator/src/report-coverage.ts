import { parseCommandFlags, seededRandom, ValidationError } from '@offerstream/core';
import { summarize, welchInterval } from '@offerstream/uplift';
import { Market } from './market';
import { SIM_ACTIONS, type MarketConfig, type SimActionOrNone } from './market.config';
import { loadMarket, readSimulationLog } from './sim-files';
import { actionCost, buyProbability, incrementalProfit } from './truth';

const USAGE = `usage: npm run evaluate -- report-coverage --log FILE --seed N [--config MARKET.json] [--requests 3000]
                                        [--reps 2000] [--holdout 0.1]
  --log FILE     a decision log written by npm run simulate -- --seed N --out FILE
  --seed N       the seed of that run (the shoppers are rebuilt from it and checked against the log's truth)
  --config FILE  the market that log came from (default: the team's market)`;

/** One logged request as the coverage check needs it: what was done, and what the truth made of each choice. */
export interface CoverageRequest {
  readonly holdout: boolean;
  /** P(buy) and the profit of a purchase under the executed action, then under no offer. */
  readonly pAction: number;
  readonly profitAction: number;
  readonly pNone: number;
  readonly profitNone: number;
  /** True incremental profit of the executed action (0 for no offer). */
  readonly incremental: number;
}

export interface CoverageFigures {
  readonly reps: number;
  readonly covered: number;
  /** Mean and sd of (estimate - truth) / standard error: 0 and 1 for a right interval. */
  readonly zMean: number;
  readonly zSd: number;
}

export interface ReportCoverage {
  /** A fresh holdout drawn from the run's treated requests each time: the interval's coverage for this policy. */
  readonly freshHoldout: CoverageFigures;
  /**
   * The run's own holdout kept, only the purchases redrawn: how far this run's holdout draw moved the estimate
   * (null when the run held out fewer than two shoppers).
   */
  readonly ownHoldout: CoverageFigures | null;
}

interface LogLine {
  readonly kind?: string;
  readonly trigger?: { readonly id?: string };
  readonly campaignId?: string;
  readonly simulation?: { readonly executed?: string; readonly trueIncremental?: Record<string, number> };
}

const isAction = (a: unknown): a is SimActionOrNone => a === 'none' || SIM_ACTIONS.includes(a as never);

/**
 * Rebuilds each logged request's shopper from the market and seed (the log names the request's round and index)
 * and checks the rebuilt truth against the one logged, so a log from another seed or market is refused.
 */
export function coverageRequests(
  lines: readonly LogLine[],
  market: MarketConfig,
  seed: number,
  perRound: number,
): CoverageRequest[] {
  const tag = lines[0]?.campaignId;
  if (tag === undefined) throw new ValidationError('the log has no simulated decisions (campaignId missing)');
  const m = new Market(market, seed, tag);
  const rounds = new Map<number, ReturnType<Market['sessions']>>();
  return lines.map((d, n) => {
    const at = /-r(\d+)-q(\d+)$/.exec(d.trigger?.id ?? '');
    const executed = d.simulation?.executed;
    if (!at || !isAction(executed)) throw new ValidationError(`log line ${n + 1} is not a simulated decision`);
    const round = Number(at[1]);
    const sessions = rounds.get(round) ?? m.sessions(round, perRound);
    rounds.set(round, sessions);
    const s = sessions[Number(at[2])];
    if (!s) throw new ValidationError(`log line ${n + 1}: request index beyond --requests ${perRound}`);
    const t = m.truthCase(s);
    const incremental = incrementalProfit(t, executed);
    const logged = executed === 'none' ? 0 : (d.simulation?.trueIncremental?.[executed] ?? Number.NaN);
    if (!(Math.abs(incremental - logged) < 1e-6))
      throw new ValidationError(
        `log line ${n + 1}: the rebuilt truth differs from the log's (wrong --seed or --config?)`,
      );
    return {
      holdout: d.kind === 'holdout',
      pAction: buyProbability(t, executed),
      profitAction: t.price - t.cost - actionCost(t, executed),
      pNone: buyProbability(t, 'none'),
      profitNone: t.price - t.cost,
      incremental,
    };
  });
}

/**
 * How often the campaign report's estimate (treated minus holdout profit per shopper, Welch 95%, times the treated
 * shoppers) holds the true incremental profit, with the run's own decisions and fresh purchases drawn from the
 * truth: with a fresh holdout each time (what a right 95% interval covers 95% of the time), and with the run's own.
 */
export function reportCoverage(
  requests: readonly CoverageRequest[],
  s: { readonly reps: number; readonly holdout: number; readonly seed: number },
): ReportCoverage {
  const rnd = seededRandom(s.seed);
  const once = (fresh: boolean): { z: number; covered: boolean } => {
    const treated: number[] = [];
    const holdout: number[] = [];
    let truth = 0;
    for (const q of requests) {
      // A fresh split draws from the requests the policy decided (the run's holdout has no policy action).
      if (fresh && q.holdout) continue;
      if (fresh ? rnd() < s.holdout : q.holdout) holdout.push(rnd() < q.pNone ? q.profitNone : 0);
      else {
        treated.push(rnd() < q.pAction ? q.profitAction : 0);
        truth += q.incremental;
      }
    }
    const w = welchInterval(summarize(treated), summarize(holdout));
    const n = treated.length;
    const se = ((w.upper - w.lower) * n) / 2 / 1.96;
    return { z: se > 0 ? (w.estimate * n - truth) / se : 0, covered: w.lower * n <= truth && truth <= w.upper * n };
  };
  const figures = (fresh: boolean): CoverageFigures => {
    const draws = Array.from({ length: s.reps }, () => once(fresh));
    const z = summarize(draws.map((d) => d.z));
    return {
      reps: s.reps,
      covered: draws.filter((d) => d.covered).length,
      zMean: z.mean,
      zSd: Math.sqrt(z.variance),
    };
  };
  const held = requests.filter((q) => q.holdout).length;
  return { freshHoldout: figures(true), ownHoldout: held >= 2 && requests.length - held >= 2 ? figures(false) : null };
}

/**
 * `npm run evaluate -- report-coverage`: the report interval's coverage on one simulated run; undefined after --help.
 */
export function runReportCoverageCommand(argv: string[]): Promise<ReportCoverage | undefined> {
  const flags = parseCommandFlags(
    argv,
    {
      log: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      requests: { type: 'string', default: '3000' },
      reps: { type: 'string', default: '2000' },
      holdout: { type: 'string', default: '0.1' },
    },
    USAGE,
  );
  if (flags === null) return Promise.resolve(undefined);
  if (typeof flags.log !== 'string' || typeof flags.seed !== 'string')
    throw new ValidationError(`--log FILE and --seed N are required\n${USAGE}`);
  const int = (v: string, name: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new ValidationError(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const holdout = Number(flags.holdout);
  if (!(holdout > 0 && holdout < 1)) throw new ValidationError('--holdout must be a share in (0, 1)');
  const market = loadMarket(flags.config);
  const lines = readSimulationLog<LogLine>(flags.log);
  const seed = int(flags.seed, 'seed', 0);
  const requests = coverageRequests(lines, market, seed, int(flags.requests, 'requests', 1));
  return Promise.resolve(reportCoverage(requests, { reps: int(flags.reps, 'reps', 2), holdout, seed }));
}
