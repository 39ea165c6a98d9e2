import { parseCommandFlags, ValidationError } from '@offerstream/core';
import {
  POLICY_FEATURES,
  POLICY_INTERACTIONS,
  POLICY_RANGED_FEATURES,
  POLICY_SEGMENT_COUNT_GROUPS,
  POLICY_SEGMENT_GROUPS,
} from '@offerstream/decision';
import {
  fitConversionModel,
  withCandidateChoices,
  DEFAULT_BAG_SHARE,
  type ConversionModelOptions,
  NO_POOLING,
  type ConversionModelSnapshot,
  type LoggedDecision,
} from '@offerstream/uplift';
import {
  AgainstLiveScore,
  bestAction,
  loggedValues,
  offerScores,
  type AgainstLive,
  type ConversionTally,
} from './replay-choice';
import { OracleScore, readSimulationLog, type OracleShare } from './sim-files';

/** One line of `npm run simulate -- --out FILE`: a decision record with the simulator's truth beside it. */
export interface SimulatedDecision {
  readonly kind: string;
  readonly action: string;
  readonly probability?: number;
  readonly features?: number[];
  readonly reward: number;
  /** The shopper's true type (the simulator's), which the policy never sees. */
  readonly segment?: string;
  readonly candidates?: readonly { readonly action: string; readonly cost: number; readonly probability?: number }[];
  /** The decision's reason codes, among them the budget's prices it was made at (`shadow_price:`, `offer_price:`). */
  readonly reasonCodes?: readonly string[];
  readonly simulation: {
    readonly round: number;
    /** The action the shopper was shown ('none' for no offer and the holdout). */
    readonly executed?: string;
    readonly purchased: boolean;
    readonly trueIncremental: Readonly<Record<string, number>>;
  };
}

export interface PolicyReplaySettings {
  readonly trainRounds: number;
  readonly caution: number;
  readonly maxWeight: number;
  readonly offerLambdas: readonly number[];
  readonly poolLambdas: readonly number[];
  /** Score gains with the two actions' errors taken as independent (how the policy did before noneLinks). */
  readonly independentGainSd?: boolean;
  readonly baselineBins?: number;
  readonly weakShrinkage?: readonly number[];
  /** Fit with POLICY_INTERACTIONS (the service's PROFIT_INTERACTIONS). */
  readonly interactions?: boolean;
  /** Fit behaviour segments from POLICY_SEGMENT_GROUPS (the service's PROFIT_SEGMENTS). */
  readonly segments?: boolean;
  /** Fit those segments to behaviour and response and take offers' effects from them (PROFIT_SEGMENT_RESPONSES). */
  readonly segmentResponses?: boolean;
  /** Count each response toward its segment's rates by its inverse propensity (tried, not kept: `segmentWeights`). */
  readonly segmentWeights?: boolean;
  /**
   * Seed of the segments' EM starts (ConversionModelOptions.segmentSeed): replays at several show the starts' spread.
   */
  readonly segmentSeed?: number;
  /**
   * Refit before every later round on all the rounds before it, as the live loop does, instead of once on the first
   * `trainRounds`: set beside the live run's own rounds, what is left is exploration, pacing and the service's refit
   * path (its choices made on the first 75% of the log; docs/benchmarks.md, "Mill and press sealed").
   */
  readonly rolling?: boolean;
  /**
   * Serve the average of this many fits, each on a random `bagShare` of the decisions (the conversion model's `bags`,
   * the service's PROFIT_BAGS); 1: one fit on all of them.
   */
  readonly bags?: number;
  readonly bagShare?: number;
  /**
   * Score each later round four ways beside the live run that wrote the log (AgainstLive): what it executed, its
   * greedy choices, and the replay's at the budget prices the service logged. Meant with `rolling`.
   */
  readonly againstLive?: boolean;
  /**
   * Fit as the service's refit does: shrinkage and segment count chosen on the older 75% of the decisions (the
   * candidate its promotion check judges), the whole log then fitted with those choices; otherwise chosen on all.
   */
  readonly servicePath?: boolean;
}

/** One later round of a replay: the greedy policy's offers and true profit, and the oracle at as many offers. */
export interface ReplayRound extends OracleShare {
  readonly round: number;
  readonly train: number;
  readonly againstLive?: AgainstLive;
}

export interface PolicyReplayResult extends PolicyReplaySettings {
  readonly train: number;
  readonly test: number;
  readonly offerLambda: number;
  readonly poolLambda: number;
  readonly offers: number;
  /** True incremental profit of the greedy policy's offers on the later rounds, and of the oracle at as many offers. */
  readonly live: number;
  readonly oracleSameCount: number;
  /** The requests offered to, each given its best action: `live` below it is the offer chosen, the rest who. */
  readonly bestActionSameRequests: number;
  readonly oracleShare: number;
  /** Per later round, each scored against the oracle at its own count (as the bar compares a live run's rounds). */
  readonly rounds: readonly ReplayRound[];
  /**
   * Per true type and offer (`type/action`), over the later requests: the model's mean estimated gain over no offer
   * beside the truth's. Where the two part, the model cannot tell that type's response from the others'.
   */
  readonly gains: Record<string, { readonly requests: number; readonly estimate: number; readonly truth: number }>;
  /**
   * Per true type and action, no offer included: the model's mean P(purchase) over the later requests beside the rate
   * at which that type's shoppers bought when the action was executed (null where it never was). Which of no offer's
   * rate and an offer's the model misses says whether a wrong gain comes from the shopper's odds or the offer's effect.
   */
  readonly conversions: Record<
    string,
    { readonly requests: number; readonly model: number; readonly executed: number; readonly logged: number | null }
  >;
}

/** A fixed seed of the bags' draws (moved by --segment-seed and the round fitted): bagged replays repeat exactly. */
const BAG_SEED = 7;
/** As the service's PROFIT_BAGS. */
const DEFAULT_BAGS = 1;
/** As the service's PROFIT_HELD_OUT_SHARE: the newest share of the log its promotion check holds out. */
const SERVICE_HELD_OUT_SHARE = 0.25;

/**
 * Replays a simulated decision log offline: fits the conversion model on the first `trainRounds` rounds (as the live
 * loop would have had them), then scores its greedy policy, as served (caution), on every later non-holdout request
 * against the simulator's truth. Every request's truth for every action is known, so the policy is valued exactly,
 * not estimated; this is how model settings were compared without looking at any unseen market. `rolling` refits
 * before each later round instead, as the live loop does.
 */
export function replayPolicy(lines: readonly SimulatedDecision[], s: PolicyReplaySettings): PolicyReplayResult {
  const usable = lines.filter((d) => d.features !== undefined && d.features.length === POLICY_FEATURES.length);
  const train = usable.filter((d) => d.simulation.round <= s.trainRounds);
  const test = usable.filter((d) => d.simulation.round > s.trainRounds && d.kind !== 'holdout');
  if (train.length === 0 || test.length === 0)
    throw new ValidationError('the log needs decisions both up to and after --train-rounds');
  const actions = loggedActions(usable);
  const later = [...new Set(test.map((d) => d.simulation.round))].sort((a, b) => a - b);
  const fitted = new Map<number, ConversionModelSnapshot>();
  // Fixed: one model from the first trainRounds serves every later round. Rolling: each round gets a model of all
  // the rounds before it.
  const upToOf = (round: number): number => (s.rolling === true ? round - 1 : s.trainRounds);
  const trainedOn = (round: number): SimulatedDecision[] => usable.filter((d) => d.simulation.round <= upToOf(round));
  const modelFor = (round: number): ConversionModelSnapshot => {
    const model = fitted.get(upToOf(round)) ?? fitReplayModel(trainedOn(round), actions, s, upToOf(round));
    fitted.set(upToOf(round), model);
    return model;
  };
  const scored = new OracleScore();
  const gains: Record<string, { requests: number; estimate: number; truth: number }> = {};
  const conversions: Record<string, ConversionTally> = {};
  const rounds: ReplayRound[] = [];
  for (const round of later) {
    const model = modelFor(round);
    const own = new OracleScore();
    const live = s.againstLive === true ? new AgainstLiveScore() : undefined;
    for (const d of test.filter((t) => t.simulation.round === round)) {
      const scores = offerScores(model, d, s, gains, conversions);
      const chosen = bestAction(scores);
      scored.add(d.simulation.trueIncremental, chosen);
      own.add(d.simulation.trueIncremental, chosen);
      live?.add(d, scores);
    }
    rounds.push({
      round,
      train: trainedOn(round).length,
      ...own.result(),
      ...(live ? { againstLive: live.result() } : {}),
    });
  }
  const first = modelFor(later[0] as number);
  const { offers, live, oracleSameCount, bestActionSameRequests, share } = scored.result();
  return {
    ...s,
    train: train.length,
    test: test.length,
    offerLambda: first.offerLambda,
    poolLambda: first.poolLambda ?? NO_POOLING,
    offers,
    live,
    oracleSameCount,
    bestActionSameRequests,
    oracleShare: share,
    rounds,
    gains: Object.fromEntries(
      Object.entries(gains)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, g]) => [k, { requests: g.requests, estimate: g.estimate / g.requests, truth: g.truth / g.requests }]),
    ),
    conversions: Object.fromEntries(
      Object.entries(conversions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, c]) => [
          k,
          {
            requests: c.requests,
            model: c.model / c.requests,
            executed: c.executed,
            logged: c.executed > 0 ? c.bought / c.executed : null,
          },
        ]),
    ),
  };
}

/** No offer and every action the log's decisions had as candidates. */
export function loggedActions(lines: readonly SimulatedDecision[]): string[] {
  return [...new Set(['none', ...lines.flatMap((d) => (d.candidates ?? []).map((c) => c.action))])];
}

/** The conversion model the service would fit on these decisions, with the replay's settings. */
export function fitReplayModel(
  lines: readonly SimulatedDecision[],
  actions: readonly string[],
  s: PolicyReplaySettings,
  upTo: number,
): ConversionModelSnapshot {
  const logged = (d: SimulatedDecision): LoggedDecision => ({
    context: d.features ?? [],
    action: d.kind === 'offer' ? d.action : 'none',
    propensity: d.kind === 'holdout' ? 1 : Math.max(1e-3, d.probability ?? 1),
    reward: d.reward,
    values: loggedValues(d),
    converted: d.simulation.purchased,
  });
  const opts: ConversionModelOptions = {
    actions,
    offerLambda: s.offerLambdas,
    poolLambda: s.poolLambdas,
    maxWeight: s.maxWeight,
    ...(s.baselineBins === undefined ? {} : { baselineBins: s.baselineBins }),
    ...(s.weakShrinkage === undefined ? {} : { weakShrinkage: s.weakShrinkage }),
    ...(s.interactions === true ? { interactions: POLICY_INTERACTIONS } : {}),
    ...(s.segments === true
      ? {
          segmentGroups: POLICY_SEGMENT_GROUPS,
          rangedFeatures: POLICY_RANGED_FEATURES,
          segmentCountGroups: POLICY_SEGMENT_COUNT_GROUPS,
        }
      : {}),
    ...(s.segmentResponses === true ? { segmentResponses: true } : {}),
    ...(s.segmentWeights === true ? { segmentWeights: true } : {}),
    ...(s.segmentSeed === undefined ? {} : { segmentSeed: s.segmentSeed }),
    bags: s.bags ?? DEFAULT_BAGS,
    ...(s.bagShare === undefined ? {} : { bagShare: s.bagShare }),
    bagSeed: BAG_SEED + (s.segmentSeed ?? 0) + 1_000 * upTo,
  };
  const all = lines.map(logged);
  if (s.servicePath !== true) return fitConversionModel(all, opts);
  // As the service's refit (profit-refit.ts): choices made on the older share, then the whole log fitted with them.
  const older = all.slice(0, Math.max(1, Math.floor(all.length * (1 - SERVICE_HELD_OUT_SHARE))));
  const candidate = fitConversionModel(older, opts);
  return fitConversionModel(all, withCandidateChoices(opts, candidate));
}

const USAGE = `usage: npm run evaluate -- sim-policy --log FILE [--train-rounds 3] [--caution 0] [--max-weight 1|20]
                                   [--offer-lambdas 1,4,16,64] [--pool-lambdas 1000000] [--independent-gain-sd]
                                   [--baseline-bins 0] [--weak-shrinkage 1] [--interactions] [--segments true]
                                   [--segment-responses true] [--segment-weights false] [--segment-seed N] [--rolling]
                                   [--bags 1] [--bag-share 0.7] [--against-live] [--service-path]
  --log FILE         a decision log written by npm run simulate -- --out FILE
  --rolling          refit before each later round on every round before it (as the live loop does), not once
  --against-live     per round, also what the live run executed, its greedy choices and the replay's at the budget
                     prices the live run logged (with --rolling: where a live run loses to the replay of its log)
  --segment-seed N   another seed for the segments' EM starts: a change to the model should beat their spread
  --service-path     make the fit's choices on the older 75% of the decisions, as the service's refit does, and
                     weigh decisions by inverse propensity up to 20 as it does (--max-weight: 1 without it)
  --bags N           serve the average of N fits, each on a random --bag-share of the decisions (1: one fit)`;

/** `npm run evaluate -- sim-policy`: the replay above on a file; undefined after printing --help. */
export function runPolicyReplay(argv: string[]): Promise<PolicyReplayResult | undefined> {
  const flags = parseCommandFlags(
    argv,
    {
      log: { type: 'string' },
      'train-rounds': { type: 'string', default: '3' },
      caution: { type: 'string', default: '0' },
      'max-weight': { type: 'string' },
      'offer-lambdas': { type: 'string', default: '1,4,16,64' },
      'pool-lambdas': { type: 'string', default: String(NO_POOLING) },
      'independent-gain-sd': { type: 'boolean', default: false },
      'baseline-bins': { type: 'string', default: '0' },
      'weak-shrinkage': { type: 'string', default: '1' },
      interactions: { type: 'boolean', default: false },
      segments: { type: 'string', default: 'true' },
      'segment-responses': { type: 'string', default: 'true' },
      'segment-weights': { type: 'string', default: 'false' },
      'segment-seed': { type: 'string' },
      rolling: { type: 'boolean', default: false },
      bags: { type: 'string', default: String(DEFAULT_BAGS) },
      'bag-share': { type: 'string', default: String(DEFAULT_BAG_SHARE) },
      'against-live': { type: 'boolean', default: false },
      'service-path': { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (flags === null) return Promise.resolve(undefined);
  const file = flags.log;
  if (typeof file !== 'string') throw new ValidationError(`--log FILE is required\n${USAGE}`);
  // The service's refit weighs by inverse propensity up to its PROFIT_MAX_WEIGHT (20); a replay of it does too.
  const weightCap = Number(flags['max-weight'] ?? (flags['service-path'] === true ? '20' : '1'));
  if (!(weightCap >= 1)) throw new ValidationError('--max-weight must be a number >= 1');
  const num = (name: 'train-rounds' | 'caution' | 'baseline-bins'): number => {
    const v = Number(flags[name]);
    if (!Number.isFinite(v) || v < 0) throw new ValidationError(`--${name} must be a number >= 0`);
    return v;
  };
  const seed = flags['segment-seed'];
  if (seed !== undefined && !/^\d+$/.test(seed)) throw new ValidationError('--segment-seed must be an integer >= 0');
  if (!/^[1-9]\d*$/.test(flags.bags)) throw new ValidationError('--bags must be an integer >= 1');
  const bagShare = Number(flags['bag-share']);
  if (!(bagShare > 0 && bagShare <= 1)) throw new ValidationError('--bag-share must be in (0, 1]');
  const lines = readSimulationLog<SimulatedDecision>(file);
  return Promise.resolve(
    replayPolicy(lines, {
      trainRounds: num('train-rounds'),
      caution: num('caution'),
      maxWeight: weightCap,
      offerLambdas: flags['offer-lambdas'].split(',').map((v) => Number(v)),
      poolLambdas: flags['pool-lambdas'].split(',').map((v) => Number(v)),
      independentGainSd: flags['independent-gain-sd'] === true,
      baselineBins: num('baseline-bins'),
      weakShrinkage: flags['weak-shrinkage'].split(',').map((v) => Number(v)),
      interactions: flags.interactions === true,
      segments: flags.segments !== 'false',
      segmentResponses: flags['segment-responses'] !== 'false',
      segmentWeights: flags['segment-weights'] === 'true',
      ...(seed === undefined ? {} : { segmentSeed: Number(seed) }),
      rolling: flags.rolling === true,
      bags: Number(flags.bags),
      bagShare,
      againstLive: flags['against-live'] === true,
      servicePath: flags['service-path'] === true,
    }),
  );
}
