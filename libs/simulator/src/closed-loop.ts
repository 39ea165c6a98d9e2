import { readFileSync } from 'node:fs';
import { seededRandom, shuffleInPlace, ValidationError, type Rng } from '@offerstream/core';
import {
  chooseOffer,
  dosePairs,
  explorationRate,
  NO_OFFER,
  OfferPricer,
  openEndedPressure,
  POLICY_FEATURES,
  POLICY_INTERACTIONS,
  POLICY_RANGED_FEATURES,
  POLICY_SEGMENT_COUNT_GROUPS,
  POLICY_SEGMENT_GROUPS,
  type OfferAction,
  type PolicySettings,
  type ProfitModel,
} from '@offerstream/decision';
import {
  conversionScorer,
  summarize,
  welchInterval,
  fitConversionModel,
  predictProfits,
  shouldPromote,
  withCandidateChoices,
  type ConversionModelSnapshot,
  type OpeDecision,
} from '@offerstream/uplift';
import { SIM_ACTIONS, type MarketConfig, type SimAction, type SimActionOrNone } from './market.config';
import { actionCost, buyProbability, incrementalProfit, type TruthCase } from './truth';

/** A request from a simulated log: what the policy saw and who the shopper truly was. */
export interface LoggedRequest {
  readonly features: number[];
  readonly segment: string;
  readonly price: number;
  readonly cost: number;
}

export interface ClosedLoopSettings {
  readonly rounds: number;
  readonly perRound: number;
  readonly holdout: number;
  readonly refitEvery: number;
  readonly explorationMax: number;
  readonly explorationMin: number;
  readonly explorationScale: number;
  readonly policy: PolicySettings;
  readonly offerLambdas: readonly number[];
  readonly poolLambdas: readonly number[];
  readonly maxWeight: number;
  readonly effectiveWeights?: boolean;
  /** Fit the offers' effects with POLICY_INTERACTIONS too (the service's PROFIT_INTERACTIONS). */
  readonly interactions?: boolean;
  /** Fit behaviour segments from POLICY_SEGMENT_GROUPS (the service's PROFIT_SEGMENTS). */
  readonly segments?: boolean;
  /** With segments: offsets per combination of behaviour ranges (conversion model's `rangeOffsets`, default true). */
  readonly rangeOffsets?: boolean;
  /** With segments: fit them to responses too and take offers' effects from them (PROFIT_SEGMENT_RESPONSES). */
  readonly segmentResponses?: boolean;
  /** Count each response toward its segment's rates by its inverse propensity (tried, not kept: `segmentWeights`). */
  readonly segmentWeights?: boolean;
  /**
   * With segment responses: 10% off's rate shrunk toward halfway to 20% off's (tried, not kept: docs/benchmarks.md).
   */
  readonly dosePrior?: boolean;
  /** With segment responses: larger counts compared with AIC's (conversion model's `segmentCounts`; [] keeps AIC's). */
  readonly segmentCounts?: readonly number[];
  /** Grid of the weak prior's share (conversion model's `weakShrinkage`); default 1. */
  readonly weakShrinkage?: readonly number[];
  /** Serve the average of this many fits, each on a random `bagShare` of the log (the service's PROFIT_BAGS). */
  readonly bags?: number;
  readonly bagShare?: number;
  /**
   * Offers the run may make in all (the simulated campaign's budget.count, open-ended); absent: no cap. With
   * `paceOffers` they are priced as the service prices them (BudgetPacer), else made until the count runs out.
   */
  readonly offerCount?: number;
  readonly paceOffers?: boolean;
  /** Called after each refit: the log's size, whether the candidate was promoted, and the model in use. */
  readonly onRefit?: (n: number, promoted: boolean, model: ConversionModelSnapshot | null) => void;
  readonly seed: number;
}

export interface ClosedLoopRound {
  readonly round: number;
  readonly offers: number;
  readonly live: number;
  readonly oracleSameCount: number;
  /** Offers and their true profit per segment and action (`segment/action`). */
  readonly bySegment: Record<string, { offers: number; live: number }>;
  /** The campaign report's estimate to date (treated minus holdout profit per shopper, Welch 95%, times treated). */
  readonly report: { readonly estimate: number; readonly lower: number; readonly upper: number };
  /** True incremental profit to date, what the report estimates. */
  readonly truthToDate: number;
}

const LOG_PRICE = POLICY_FEATURES.indexOf('logPrice');
const MARGIN_RATE = POLICY_FEATURES.indexOf('marginRate');
const BASE_P = POLICY_FEATURES.indexOf('baseProbability');

export function loadRequests(path: string, without: readonly string[] = []): LoggedRequest[] {
  const dropped = without.map((name) => {
    const i = (POLICY_FEATURES as readonly string[]).indexOf(name);
    if (i < 0) throw new ValidationError(`unknown policy feature ${name}; known: ${POLICY_FEATURES.join(', ')}`);
    return i;
  });
  const out: LoggedRequest[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { features?: number[]; segment?: string };
    const x = d.features;
    if (!x || x.length !== POLICY_FEATURES.length || d.segment === undefined) continue;
    // A feature left out reads 0 for everyone: constant, it standardizes to 0 and the model cannot use it.
    for (const i of dropped) x[i] = 0;
    const price = Math.expm1(x[LOG_PRICE] ?? 0);
    out.push({ features: x, segment: d.segment, price, cost: price * (1 - (x[MARGIN_RATE] ?? 0)) });
  }
  return out;
}

/** The simulated campaign's actions for one request, costed as the truth costs them (one definition of a cost). */
export function actionsFor(truth: TruthCase): OfferAction[] {
  const mk = (id: SimActionOrNone): OfferAction => ({
    id,
    offerType: id === NO_OFFER ? 'none' : id === 'free_shipping' ? 'free_shipping' : 'percent_discount',
    value: 0,
    cost: Math.round(actionCost(truth, id) * 100) / 100,
    extraMargin: 0,
    items: [],
  });
  return [mk('none'), ...SIM_ACTIONS.map(mk)];
}

/**
 * The requests in the order they arrive: every logged shopper once, in an order the seed shuffles, and again in a fresh
 * order only when a run needs more requests than the log holds. Drawn with replacement, a shopper the model was fitted
 * on came back in later rounds as an exact copy (15,000 draws from a log of 18,000 put 57% of its shoppers in the fit
 * before round 6), and a model that had seen that very shopper buy or not scored above what a live run, whose shoppers
 * are all new, can reach.
 */
export function arrivals(pool: readonly LoggedRequest[], random: Rng): () => LoggedRequest {
  let order: LoggedRequest[] = [];
  return () => {
    if (order.length === 0) order = shuffleInPlace([...pool], random);
    return order.pop() as LoggedRequest;
  };
}

/**
 * Runs the live policy (chooseOffer, exploration rate, refits with the promotion check) against the simulator's truth
 * on requests resampled from a simulated log, without Kafka: many runs per setting in minutes, so exploration settings
 * can be judged by their spread, not by one lucky run.
 */
export function runClosedLoop(
  pool: readonly LoggedRequest[],
  market: MarketConfig,
  s: ClosedLoopSettings,
): ClosedLoopRound[] {
  // Separate streams for the requests, the holdouts, the outcomes and the policy's draws: two settings run on one seed
  // see the same shoppers and the same luck, so their difference is the setting's (common random numbers).
  const next = arrivals(pool, seededRandom(s.seed));
  const holdouts = seededRandom(s.seed + 1);
  const outcomes = seededRandom(s.seed + 2);
  const draws = seededRandom(s.seed + 3);
  const types = new Map(market.userTypes.map((t) => [t.name, t]));
  const log: OpeDecision[] = [];
  let snapshot: ConversionModelSnapshot | null = null;
  let model: ProfitModel | undefined;
  // Decisions the served model was fitted on: exploration decays with them, as the service's does (the engine's
  // model.examples), not with a log that no served model has learned from yet.
  let servedExamples = 0;
  let sinceFit = 0;
  const rounds: ClosedLoopRound[] = [];
  const profits = { treated: [] as number[], holdout: [] as number[] };
  let truthToDate = 0;
  const actionsAll: string[] = [NO_OFFER, ...SIM_ACTIONS];
  const pricer = new OfferPricer();
  let made = 0;
  const refit = (): void => {
    const cut = Math.max(1, Math.floor(log.length * 0.75));
    const opts = {
      actions: actionsAll,
      offerLambda: s.offerLambdas,
      poolLambda: s.poolLambdas,
      maxWeight: s.maxWeight,
      effectiveWeights: s.effectiveWeights ?? false,
      ...(s.interactions === true ? { interactions: POLICY_INTERACTIONS } : {}),
      ...(s.segments === true
        ? {
            segmentGroups: POLICY_SEGMENT_GROUPS,
            rangedFeatures: POLICY_RANGED_FEATURES,
            segmentCountGroups: POLICY_SEGMENT_COUNT_GROUPS,
          }
        : {}),
      ...(s.rangeOffsets === false ? { rangeOffsets: false } : {}),
      ...(s.segmentResponses === true ? { segmentResponses: true } : {}),
      ...(s.segmentWeights === true ? { segmentWeights: true } : {}),
      ...(s.dosePrior === true ? { doseOrder: dosePairs(actionsAll) } : {}),
      ...(s.weakShrinkage === undefined ? {} : { weakShrinkage: s.weakShrinkage }),
      ...(s.segmentCounts === undefined ? {} : { segmentCounts: s.segmentCounts }),
      // The bags' draws follow the run's seed and the log's length, so one seed repeats exactly.
      ...(s.bags === undefined ? {} : { bags: s.bags, bagSeed: s.seed + log.length }),
      ...(s.bagShare === undefined ? {} : { bagShare: s.bagShare }),
    };
    const cand = fitConversionModel(log.slice(0, cut), opts);
    const promo = shouldPromote(log.slice(cut), conversionScorer(cand), snapshot ? conversionScorer(snapshot) : null, {
      caution: s.policy.caution,
      minExamples: s.policy.minActionExamples,
    });
    if (!promo.promote) {
      s.onRefit?.(log.length, false, snapshot);
      return;
    }
    const m = fitConversionModel(log, withCandidateChoices(opts, cand));
    snapshot = m;
    servedExamples = log.length;
    s.onRefit?.(log.length, true, m);
    model = { version: 'loop', predict: (x, v) => predictProfits(m, x, v) };
  };
  for (let round = 1; round <= s.rounds; round++) {
    let live = 0;
    let offers = 0;
    const best: number[] = [];
    const bySegment: Record<string, { offers: number; live: number }> = {};
    for (let i = 0; i < s.perRound; i++) {
      const r = next();
      const type = types.get(r.segment);
      if (!type) throw new Error(`segment ${r.segment} is not a type of market ${market.name}`);
      const truth: TruthCase = { type, price: r.price, cost: r.cost, shippingCost: market.shippingCost };
      const cap = s.offerCount ?? Infinity;
      const actions = made < cap ? actionsFor(truth) : actionsFor(truth).slice(0, 1);
      const margin = r.price - r.cost;
      const target = { items: ['i'], price: r.price, margin, baseProbability: r.features[BASE_P] ?? 0 };
      const holdout = holdouts() < s.holdout;
      const luck = outcomes();
      const eps = explorationRate(s, servedExamples);
      const pressure = s.paceOffers === true && Number.isFinite(cap) ? openEndedPressure(made / cap) : 0;
      const prices = { perCost: 0, perOffer: pricer.price(pressure), offerShare: 1 / (1 + pressure) };
      const choice = holdout
        ? undefined
        : chooseOffer(model, r.features, actions, target, { ...s.policy, exploration: eps }, prices, draws);
      if (choice) pricer.observe(choice.bestGain);
      const action = choice?.action.id ?? NO_OFFER;
      const values = Object.fromEntries(actions.map((a) => [a.id, Math.round((margin - a.cost) * 100) / 100]));
      const converted = luck < buyProbability(truth, action as SimAction | 'none');
      (holdout ? profits.holdout : profits.treated).push(converted ? (values[action] ?? 0) : 0);
      if (!holdout) {
        const gains = SIM_ACTIONS.map((a) => incrementalProfit(truth, a));
        best.push(Math.max(0, ...gains));
        if (action !== NO_OFFER) {
          const g = incrementalProfit(truth, action as SimAction);
          live += g;
          truthToDate += g;
          offers++;
          made++;
          const k = `${r.segment}/${action}`;
          const e = (bySegment[k] ??= { offers: 0, live: 0 });
          e.offers++;
          e.live += g;
        }
      }
      log.push({
        context: r.features,
        action,
        propensity: choice ? Math.max(1e-3, choice.probability) : 1,
        reward: converted ? (values[action] ?? 0) : 0,
        values,
        converted,
        available: holdout ? [NO_OFFER] : actionsAll,
        ...(choice ? { loggingProbabilities: { ...choice.probabilities } } : {}),
      });
      if (++sinceFit >= s.refitEvery && log.length >= 10) {
        sinceFit = 0;
        refit();
      }
    }
    best.sort((a, b) => b - a);
    const w = welchInterval(summarize(profits.treated), summarize(profits.holdout));
    const n = profits.treated.length;
    const report = { estimate: w.estimate * n, lower: w.lower * n, upper: w.upper * n };
    rounds.push({
      report,
      truthToDate,
      round,
      offers,
      live,
      oracleSameCount: best.slice(0, offers).reduce((t, g) => t + g, 0),
      bySegment,
    });
  }
  return rounds;
}
