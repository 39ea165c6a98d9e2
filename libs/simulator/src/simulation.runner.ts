import type { Kafka } from 'kafkajs';
import { seededRandom } from '@offerstream/core';
import { TOPICS, userKey, type DecisionRecord, type TopicSpec } from '@offerstream/contracts';
import {
  createCampaign,
  fetchLearningStatus,
  fetchReport,
  simulationCampaign,
  waitForLearning,
  type LearningStatus,
  type LearningWait,
} from './campaign-client';
import { Market, type SimSession } from './market';
import { SIM_ACTIONS, type MarketConfig, type SimAction, type SimActionOrNone } from './market.config';
import { catalogEvents, offerRequestEvent, outcomeEvent, purchaseEvent, sessionEvents } from './market-events';
import {
  intervalCovers,
  reportEstimate,
  scoreRequests,
  sumScores,
  type PolicyScores,
  type ReportEstimate,
  type ScoredRequest,
} from './scoreboard';
import { SimulationBus } from './simulation-bus';
import { actionCost, buyProbability, incrementalProfits } from './truth';

export interface GroupWait {
  readonly groupId: string;
  readonly spec: Pick<TopicSpec, 'name'>;
}

export interface SimulationOptions {
  readonly market: MarketConfig;
  readonly rounds: number;
  readonly requests: number;
  readonly seed: number;
  /**
   * Names the run's campaign, shoppers and triggers (default: `sim<seed><time>`, new each run). The holdout is
   * assigned by hashing the campaign and user ids, so a fixed tag with a fixed seed gives the same holdout shoppers
   * and the same purchase draws for them every run: the integration test's report check then does not depend on
   * which shoppers a run's clock happened to put in the holdout. Needs an isolated Redis (ids repeat across runs).
   */
  readonly tag?: string;
  readonly decisionUrl: string;
  /** API key for the decision service's campaign routes, when it checks keys. */
  readonly apiKey?: string;
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  /** Groups that must have read the clickstream before a round's requests go out (so profiles are built). */
  readonly waitBeforeRequests: readonly GroupWait[];
  /** Groups that must have read outcomes and purchases before the report is read. */
  readonly waitBeforeReport: readonly GroupWait[];
  readonly decisionTimeoutMs?: number;
  /**
   * Real time between rounds (the rest of a simulated day): the services settle the round's decisions once their
   * attribution window closes and may refit before the next round's shoppers arrive. 0 runs rounds back to back.
   */
  readonly pauseBetweenRoundsMs?: number;
  /**
   * The rest of a simulated day, as the services need it: before the next round, wait (up to `timeoutMs`) until the
   * decision service has settled the round's decisions and finished a refit on them (GET /models). In a shop a round
   * of requests takes hours and the service refits every minute; compressed into seconds, a slow refit would
   * otherwise serve the next rounds a model one or two rounds old, which no deployment would see. `minNew` is the
   * service's PROFIT_MIN_NEW.
   */
  readonly waitForLearning?: LearningWait;
  readonly progress?: (message: string) => void;
  readonly onRound?: (round: RoundResult) => void;
  readonly onDecision?: (entry: DecisionLogEntry) => void;
}

export interface RoundResult {
  readonly round: number;
  readonly scores: PolicyScores;
  readonly executed: Readonly<Record<SimActionOrNone, number>>;
  readonly holdouts: number;
  /**
   * Purchases the simulator fed back this round, and those the campaign report has counted to date (its treated and
   * holdout conversions): the report and the learner see only purchases attributed within the attribution window, so
   * a shortfall here means the service learned from, and reported on, fewer purchases than the shop made.
   */
  readonly purchases: number;
  readonly attributedToDate: number | null;
  readonly missingDecisions: number;
  /** The campaign report after this round (it covers the campaign so far) beside the true profit so far. */
  readonly report: ReportEstimate | null;
  readonly truthToDate: number;
  readonly covered: boolean | null;
  /** GET /models as the round began: the model it was served, and the refit attempt before it (refused or not). */
  readonly learning?: Pick<LearningStatus, 'serving' | 'lastRefit'>;
}

export interface SimulationResult {
  readonly campaignId: string;
  readonly rounds: readonly RoundResult[];
  readonly total: PolicyScores;
  readonly report: ReportEstimate | null;
  readonly covered: boolean | null;
  readonly finalReport: Record<string, unknown>;
}

/** One decision joined with what the simulated shopper did, for `npm run evaluate -- ope`. */
export interface DecisionLogEntry {
  readonly round: number;
  readonly userType: string;
  readonly decision: DecisionRecord | null;
  readonly executed: SimActionOrNone;
  readonly purchased: boolean;
  /** Realized gross profit of the request: price - cost - what the offer cost, when bought. */
  readonly reward: number;
  readonly trueIncremental: Readonly<Record<SimAction, number>>;
  /** What the shop could observe: views, in cart, past purchases, days since the last one (-1 if none), price. */
  readonly features: readonly number[];
}

const isSimAction = (a: string): a is SimAction => (SIM_ACTIONS as readonly string[]).includes(a);

/**
 * Streams a ground-truth market through the running services: catalog, then per round every shopper's clickstream,
 * their offer requests, the decisions read back, responses drawn from the truth, and outcomes and purchases fed back.
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const runId = Date.now().toString(36);
  const tag = o.tag ?? `sim${o.seed.toString(36)}${runId}`;
  const market = new Market(o.market, o.seed, tag);
  const say = o.progress ?? (() => undefined);
  const bus = new SimulationBus(o.kafka, o.topicPrefix, `${tag}-${runId}-decisions`);
  await bus.start();
  try {
    const campaignId = tag;
    const meanPrice = market.items.reduce((s, i) => s + i.price, 0) / market.items.length;
    await createCampaign(
      o.decisionUrl,
      simulationCampaign(campaignId, o.market, o.rounds * o.requests, meanPrice),
      o.apiKey,
    );
    await bus.publish(
      TOPICS.catalog,
      catalogEvents(market, Date.now()).map((e) => ({ key: e.payload.itemId, event: e })),
    );
    say(`campaign ${campaignId}, ${market.items.length} items published`);
    const rounds: RoundResult[] = [];
    let truthToDate = 0;
    let lastReport: Record<string, unknown> = {};
    for (let round = 1; round <= o.rounds; round++) {
      const learning = await learningAtStart(o, round);
      const sessions = market.sessions(round, o.requests);
      const started = Date.now();
      const clicks = sessions.flatMap((s) => sessionEvents(s, started));
      await bus.publish(
        TOPICS.clickstream,
        clicks.map((e) => ({ key: userKey(e), event: e })),
      );
      if (!(await bus.waitCaughtUp(o.waitBeforeRequests, 180_000)))
        say(`round ${round}: clickstream not fully consumed after 180 s, requesting anyway`);
      const triggerIds = sessions.map((_, i) => `offer_request:${tag}-r${round}-q${i}`);
      const requests = sessions.map((s, i) => offerRequestEvent(s, `${tag}-r${round}-q${i}`, Date.now()));
      await bus.publish(
        TOPICS.offerRequests,
        requests.map((e) => ({ key: e.payload.userId, event: e })),
      );
      say(`round ${round}: ${clicks.length} clickstream events and ${requests.length} requests sent`);
      const missing = await bus.waitDecisions(triggerIds, o.decisionTimeoutMs ?? 300_000, (n) =>
        say(`round ${round}: ${n}/${requests.length} decided`),
      );
      const responded = respond(market, sessions, triggerIds, bus, round, o.seed);
      await bus.publish(TOPICS.offerOutcomes, responded.outcomes);
      await bus.publish(TOPICS.clickstream, responded.purchases);
      for (const entry of responded.log) o.onDecision?.(entry);
      if (!(await bus.waitCaughtUp(o.waitBeforeReport, 120_000)))
        say(`round ${round}: outcomes not fully consumed after 120 s`);
      lastReport = await fetchReport(o.decisionUrl, campaignId, o.apiKey);
      const scores = scoreRequests(responded.scored);
      truthToDate += scores.live;
      const report = reportEstimate(lastReport);
      const result: RoundResult = {
        round,
        scores,
        executed: responded.executed,
        holdouts: responded.holdouts,
        purchases: responded.purchases.length,
        attributedToDate: attributedConversions(lastReport),
        missingDecisions: missing,
        report,
        truthToDate,
        covered: intervalCovers(report, truthToDate),
        ...(learning ? { learning } : {}),
      };
      rounds.push(result);
      o.onRound?.(result);
      if (round < o.rounds && o.waitForLearning) await waitForRound(o, round, o.waitForLearning);
      if (round < o.rounds && (o.pauseBetweenRoundsMs ?? 0) > 0) {
        o.progress?.(`round ${round}: pausing ${o.pauseBetweenRoundsMs} ms before the next round`);
        await new Promise((r) => setTimeout(r, o.pauseBetweenRoundsMs));
      }
    }
    const report = reportEstimate(lastReport);
    return {
      campaignId,
      rounds,
      total: sumScores(rounds.map((r) => r.scores)),
      report,
      covered: intervalCovers(report, truthToDate),
      finalReport: lastReport,
    };
  } finally {
    await bus.stop();
  }
}

/** Treated plus holdout conversions of a campaign report, or null when it has no such figures. */
function attributedConversions(report: Record<string, unknown>): number | null {
  const count = (g: unknown): number | undefined => {
    const c = (g as { conversions?: unknown } | undefined)?.conversions;
    return typeof c === 'number' ? c : undefined;
  };
  const t = count(report['treated']);
  const h = count(report['holdout']);
  return t === undefined || h === undefined ? null : t + h;
}

/**
 * The model a round is served and the refit attempt before it, from GET /models: a refused refit leaves a round on an
 * older model, which the decisions' reason codes show but not why. A failed read is said and the round goes on.
 */
async function learningAtStart(
  o: SimulationOptions,
  round: number,
): Promise<Pick<LearningStatus, 'serving' | 'lastRefit'> | undefined> {
  try {
    const { serving, lastRefit } = await fetchLearningStatus(o.decisionUrl, o.apiKey);
    const refit = lastRefit
      ? `; last refit on ${lastRefit.covered} decisions ${lastRefit.outcome}${lastRefit.outcome === 'published' ? '' : ` (${lastRefit.reason})`}`
      : '';
    o.progress?.(`round ${round}: served by ${serving ?? 'no model (neutral prior)'}${refit}`);
    return { serving: serving ?? null, lastRefit: lastRefit ?? null };
  } catch (e) {
    o.progress?.(`round ${round}: model status not read: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function waitForRound(o: SimulationOptions, round: number, w: LearningWait): Promise<void> {
  const r = await waitForLearning(o.decisionUrl, o.apiKey, w, (line) => o.progress?.(`round ${round}: ${line}`));
  const waited = Math.round(r.waitedMs / 1000);
  o.progress?.(
    r.caughtUp
      ? `round ${round}: learning caught up after ${waited} s (${r.status?.joined} decisions joined)`
      : `round ${round}: learning not caught up after ${waited} s, going on: ${JSON.stringify(r.status ?? r.lastError)}`,
  );
}

/** Draws each shopper's response to what was done, from the truth, with the round's own seeded stream. */
function respond(
  market: Market,
  sessions: readonly SimSession[],
  triggerIds: readonly string[],
  bus: SimulationBus,
  round: number,
  seed: number,
) {
  const rnd = seededRandom((seed * 31 + round * 1_000_003 + 17) >>> 0);
  const now = Date.now();
  const outcomes: { key: string; event: ReturnType<typeof outcomeEvent> }[] = [];
  const purchases: { key: string; event: ReturnType<typeof purchaseEvent> }[] = [];
  const scored: ScoredRequest[] = [];
  const log: DecisionLogEntry[] = [];
  const executed: Record<SimActionOrNone, number> = { none: 0, pct10: 0, pct20: 0, free_shipping: 0 };
  let holdouts = 0;
  sessions.forEach((s, i) => {
    const d = bus.decision(triggerIds[i]!) ?? null;
    const offered =
      d?.kind === 'offer' && d.offerId !== undefined && d.campaignId !== undefined && isSimAction(d.action);
    const action: SimActionOrNone = offered ? (d.action as SimAction) : 'none';
    if (d?.kind === 'holdout') holdouts++;
    executed[action]++;
    const truth = market.truthCase(s);
    const incremental = incrementalProfits(truth);
    scored.push({ incremental, executed: action });
    const bought = rnd() < buyProbability(truth, action);
    const cost = actionCost(truth, action);
    if (offered) {
      const offer = { offerId: d.offerId!, campaignId: d.campaignId! };
      const unitPrice = Math.round((s.item.price - (action === 'free_shipping' ? 0 : cost)) * 100) / 100;
      const money = bought ? { revenue: unitPrice, discountCost: Math.round(cost * 100) / 100 } : undefined;
      outcomes.push({ key: s.userId, event: outcomeEvent(s, offer, bought ? 'redeem' : 'dismiss', now, money) });
      if (bought)
        purchases.push({ key: s.userId, event: purchaseEvent(s, now, { offerId: offer.offerId, unitPrice }) });
    } else if (bought) {
      purchases.push({ key: s.userId, event: purchaseEvent(s, now) });
    }
    const reward = bought ? s.item.price - s.item.cost - cost : 0;
    log.push({
      round,
      userType: s.type.name,
      decision: d,
      executed: action,
      purchased: bought,
      reward,
      trueIncremental: incremental,
      features: observedFeatures(s),
    });
  });
  return { outcomes, purchases, scored, log, executed, holdouts };
}

function observedFeatures(s: SimSession): number[] {
  const last = s.history[0]?.daysAgo;
  return [
    s.viewed.length + 1,
    s.carted ? 1 : 0,
    s.history.length,
    last === undefined ? -1 : Math.round(last * 10) / 10,
    s.item.price,
  ];
}
