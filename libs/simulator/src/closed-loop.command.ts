import { parseCommandFlags, ValidationError } from '@offerstream/core';
import { DEFAULT_BAG_SHARE, NO_POOLING } from '@offerstream/uplift';
import { loadRequests, runClosedLoop, type ClosedLoopRound } from './closed-loop';
import { loadMarket } from './sim-files';

const USAGE = `usage: npm run evaluate -- sim-loop --log FILE [--config MARKET.json] [--runs 10] [--first-seed 1]
                                 [--rounds 6] [--requests 3000] [--refit-every 1000] [--caution 0]
                                 [--exploration-max 0.4] [--exploration-min 0.05] [--exploration-scale 700]
                                 [--exploration-by-chance true] [--exploration-floor 0] [--exploration-sd-scale 1]
                                 [--effective-weights] [--interactions] [--segments true] [--range-offsets true]
                                 [--segment-responses true] [--segment-weights false] [--dose-prior false] [--offer-count-share 0] [--pace-offers true]
                                 [--segment-counts 12,16]
                                 [--weak-shrinkage 1] [--without-features NAME,...] [--bags 1] [--bag-share 0.7]
                                 [--max-weight 20] [--offer-lambdas 1,4,16,64] [--pool-lambdas 1,4,16,64,1000000]
  --log FILE     a decision log written by npm run simulate -- --out FILE (its shoppers arrive once each, shuffled)
  --config FILE  the market that log came from (default: the team's market)
  --offer-count-share  the campaign's count of offers made, as a share of all requests (the simulator's is 0.3);
                 0: no cap. --pace-offers false: made until it runs out, not priced as the service prices them
  --segment-counts  larger segment counts compared with AIC's by held-out deviance ('' keeps AIC's count)
  --without-features  policy features to leave out (set to 0 for every request), to measure what they add
  --bags N       serve the average of N fits, each on a random --bag-share of the log (the service's PROFIT_BAGS)`;

export interface ClosedLoopRun {
  readonly seed: number;
  readonly rounds: readonly ClosedLoopRound[];
  /** True incremental profit over rounds 4..6 as a share of the oracle's at the same number of offers. */
  readonly lateShare: number;
  readonly total: number;
  /** Whether the final report's 95% interval held the true incremental profit. */
  readonly reportCovers: boolean;
}

export interface ClosedLoopSummary {
  readonly runs: readonly ClosedLoopRun[];
  readonly meanShare: number;
  readonly minShare: number;
  readonly sharesBelow04: number;
  /** Rounds from the third on with true incremental profit <= 0, over all runs. */
  readonly lossRoundsFrom3: number;
  /** Runs whose final report covered the truth, and round-end reports (cumulative) that did, of all. */
  readonly finalReportsCovering: number;
  readonly roundReportsCovering: number;
  readonly roundReports: number;
}

const covers = (r: ClosedLoopRound): boolean => r.report.lower <= r.truthToDate && r.truthToDate <= r.report.upper;

/** `npm run evaluate -- sim-loop`: many closed-loop runs of one setting; undefined after printing --help. */
export function runClosedLoopCommand(argv: string[]): Promise<ClosedLoopSummary | undefined> {
  const flags = parseCommandFlags(
    argv,
    {
      log: { type: 'string' },
      config: { type: 'string' },
      runs: { type: 'string', default: '10' },
      'first-seed': { type: 'string', default: '1' },
      rounds: { type: 'string', default: '6' },
      requests: { type: 'string', default: '3000' },
      'refit-every': { type: 'string', default: '1000' },
      caution: { type: 'string', default: '0' },
      'exploration-max': { type: 'string', default: '0.4' },
      'exploration-min': { type: 'string', default: '0.05' },
      'exploration-scale': { type: 'string', default: '700' },
      'exploration-by-chance': { type: 'string', default: 'true' },
      'exploration-floor': { type: 'string', default: '0' },
      'exploration-sd-scale': { type: 'string', default: '1' },
      'effective-weights': { type: 'boolean', default: false },
      interactions: { type: 'boolean', default: false },
      segments: { type: 'string', default: 'true' },
      'range-offsets': { type: 'string', default: 'true' },
      'segment-responses': { type: 'string', default: 'true' },
      'segment-weights': { type: 'string', default: 'false' },
      'dose-prior': { type: 'string', default: 'false' },
      'offer-count-share': { type: 'string', default: '0' },
      'pace-offers': { type: 'string', default: 'true' },
      'segment-counts': { type: 'string' },
      'weak-shrinkage': { type: 'string', default: '1' },
      bags: { type: 'string', default: '1' },
      'bag-share': { type: 'string', default: String(DEFAULT_BAG_SHARE) },
      'without-features': { type: 'string', default: '' },
      'max-weight': { type: 'string', default: '20' },
      'offer-lambdas': { type: 'string', default: '1,4,16,64' },
      'pool-lambdas': { type: 'string', default: `1,4,16,64,${NO_POOLING}` },
    },
    USAGE,
  );
  if (flags === null) return Promise.resolve(undefined);
  if (typeof flags.log !== 'string') throw new ValidationError(`--log FILE is required\n${USAGE}`);
  const num = (name: keyof typeof flags, min: number): number => {
    const v = Number(flags[name]);
    if (!Number.isFinite(v) || v < min) throw new ValidationError(`--${String(name)} must be a number >= ${min}`);
    return v;
  };
  const share = (name: 'exploration-max' | 'exploration-min'): number => {
    const v = num(name, 0);
    if (v > 1) throw new ValidationError(`--${name} must be a share in [0, 1]`);
    return v;
  };
  const list = (name: 'offer-lambdas' | 'pool-lambdas'): number[] => flags[name].split(',').map(Number);
  const bags = (): number => {
    const v = num('bags', 1);
    if (!Number.isInteger(v)) throw new ValidationError('--bags must be a whole number >= 1');
    return v;
  };
  const bagShare = (): number => {
    const v = num('bag-share', 0);
    if (!(v > 0 && v <= 1)) throw new ValidationError('--bag-share must be a share in (0, 1]');
    return v;
  };
  const market = loadMarket(flags.config);
  const pool = loadRequests(flags.log, flags['without-features'].split(',').filter(Boolean));
  if (pool.length === 0) throw new ValidationError('the log has no decisions with features and a segment');
  const runs: ClosedLoopRun[] = [];
  const first = num('first-seed', 0);
  const countShare = num('offer-count-share', 0);
  for (let seed = first; seed < first + num('runs', 1); seed++) {
    const perRound = num('requests', 10);
    const roundCount = num('rounds', 4);
    const rounds = runClosedLoop(pool, market, {
      rounds: roundCount,
      perRound,
      ...(countShare > 0 ? { offerCount: Math.round(countShare * perRound * roundCount) } : {}),
      paceOffers: flags['pace-offers'] !== 'false',
      holdout: 0.1,
      refitEvery: num('refit-every', 10),
      explorationMax: share('exploration-max'),
      explorationMin: share('exploration-min'),
      explorationScale: num('exploration-scale', 1),
      policy: {
        exploration: 0,
        minActionExamples: 100,
        caution: num('caution', 0),
        explorationByChance: flags['exploration-by-chance'] !== 'false',
        explorationFloor: num('exploration-floor', 0),
        explorationSdScale: num('exploration-sd-scale', 0),
      },
      offerLambdas: list('offer-lambdas'),
      poolLambdas: list('pool-lambdas'),
      maxWeight: num('max-weight', 1),
      effectiveWeights: flags['effective-weights'] === true,
      interactions: flags.interactions === true,
      segments: flags.segments !== 'false',
      rangeOffsets: flags['range-offsets'] !== 'false',
      segmentResponses: flags['segment-responses'] !== 'false',
      segmentWeights: flags['segment-weights'] === 'true',
      dosePrior: flags['dose-prior'] === 'true',
      weakShrinkage: flags['weak-shrinkage'].split(',').map(Number),
      bags: bags(),
      bagShare: bagShare(),
      ...(typeof flags['segment-counts'] === 'string'
        ? { segmentCounts: flags['segment-counts'].split(',').filter(Boolean).map(Number) }
        : {}),
      seed: seed * 7919,
    });
    const late = rounds.slice(3);
    const oracle = late.reduce((t, r) => t + r.oracleSameCount, 0);
    const run: ClosedLoopRun = {
      seed,
      rounds,
      lateShare: oracle > 0 ? late.reduce((t, r) => t + r.live, 0) / oracle : 0,
      total: rounds.reduce((t, r) => t + r.live, 0),
      reportCovers: covers(rounds[rounds.length - 1] as ClosedLoopRound),
    };
    runs.push(run);
    process.stderr.write(
      `sim-loop: seed ${seed}: ${rounds.map((r) => `${Math.round(r.live)}/${r.offers}`).join(' ')} share ${run.lateShare.toFixed(3)} report ${run.reportCovers ? 'covers' : 'misses'}\n`,
    );
  }
  const shares = runs.map((r) => r.lateShare);
  return Promise.resolve({
    runs,
    meanShare: shares.reduce((a, b) => a + b, 0) / shares.length,
    minShare: Math.min(...shares),
    sharesBelow04: shares.filter((s) => s < 0.4).length,
    lossRoundsFrom3: runs.reduce((t, r) => t + r.rounds.slice(2).filter((x) => x.live <= 0).length, 0),
    finalReportsCovering: runs.filter((r) => r.reportCovers).length,
    roundReportsCovering: runs.reduce((t, r) => t + r.rounds.filter(covers).length, 0),
    roundReports: runs.reduce((t, r) => t + r.rounds.length, 0),
  });
}
