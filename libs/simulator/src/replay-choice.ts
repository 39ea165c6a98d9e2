import { POLICY_FEATURES, type ShadowPrices } from '@offerstream/decision';
import { predictConversions, predictProfits, type ConversionModelSnapshot } from '@offerstream/uplift';
import type { PolicyReplaySettings, SimulatedDecision } from './policy-replay';
import { OracleScore, type OracleShare } from './sim-files';

const LOG_PRICE = POLICY_FEATURES.indexOf('logPrice');
const MARGIN_RATE = POLICY_FEATURES.indexOf('marginRate');
const UNPRICED: ShadowPrices = { perCost: 0, perOffer: 0 };

/** What a purchase earns under each candidate, from the features the policy saw (price and margin rate). */
export function loggedValues(d: SimulatedDecision): Record<string, number> {
  const x = d.features ?? [];
  const margin = Math.expm1(x[LOG_PRICE] ?? 0) * (x[MARGIN_RATE] ?? 0);
  const out: Record<string, number> = { none: margin };
  for (const c of d.candidates ?? []) out[c.action] = margin - c.cost;
  return out;
}

/** One offer as the replayed policy weighs it: its gain over no offer less caution standard errors, and its cost. */
export interface OfferScore {
  readonly score: number;
  readonly cost: number;
}

/** Sums behind a replay's `conversions`: the model's P(purchase) per request, and the log's purchases where executed. */
export interface ConversionTally {
  requests: number;
  model: number;
  executed: number;
  bought: number;
}

/**
 * Each offer's score for one request, as served (caution, no exploration), with the model's gain per action added to
 * `gains` beside the truth's, and its P(purchase) per action (no offer included) to `conversions` beside what the
 * log's shoppers of the same kind did, when given.
 */
export function offerScores(
  model: ConversionModelSnapshot,
  d: SimulatedDecision,
  s: Pick<PolicyReplaySettings, 'caution' | 'independentGainSd'>,
  gains?: Record<string, { requests: number; estimate: number; truth: number }>,
  conversions?: Record<string, ConversionTally>,
): Record<string, OfferScore> {
  if (conversions) tallyConversions(model, d, conversions);
  const costs = Object.fromEntries((d.candidates ?? []).map((c) => [c.action, c.cost]));
  const p = predictProfits(model, d.features ?? [], loggedValues(d));
  const none = p['none'];
  const out: Record<string, OfferScore> = {};
  for (const [a, e] of Object.entries(p)) {
    if (a === 'none' || !none) continue;
    // A bag's sd is its members' average, as predictProfits serves it.
    const sd = s.independentGainSd ? Math.hypot(e.sd, none.sd) : (e.gainSd ?? Math.hypot(e.sd, none.sd));
    const gain = e.mean - none.mean;
    const truth = d.simulation.trueIncremental[a];
    if (gains && truth !== undefined) {
      const g = (gains[`${d.segment ?? 'unknown'}/${a}`] ??= { requests: 0, estimate: 0, truth: 0 });
      g.requests++;
      g.estimate += gain;
      g.truth += truth;
    }
    out[a] = { score: gain - s.caution * sd, cost: costs[a] ?? 0 };
  }
  return out;
}

function tallyConversions(
  model: ConversionModelSnapshot,
  d: SimulatedDecision,
  conversions: Record<string, ConversionTally>,
): void {
  for (const [a, e] of Object.entries(predictConversions(model, d.features ?? []))) {
    const t = (conversions[`${d.segment ?? 'unknown'}/${a}`] ??= { requests: 0, model: 0, executed: 0, bought: 0 });
    t.requests++;
    t.model += e.p;
    // What the shopper was shown: the simulator's record, else the decision (as the replay's fit reads it).
    if ((d.simulation.executed ?? (d.kind === 'offer' ? d.action : 'none')) === a) {
      t.executed++;
      if (d.simulation.purchased === true) t.bought++;
    }
  }
}

/** The best-scoring offer net of the budget's prices (per unit of cost, per offer made), or 'none' if none beats 0. */
export function bestAction(scores: Readonly<Record<string, OfferScore>>, prices: ShadowPrices = UNPRICED): string {
  let chosen = 'none';
  let best = 0;
  for (const [a, o] of Object.entries(scores)) {
    const v = o.score - prices.perCost * o.cost - prices.perOffer;
    if (v > best) [chosen, best] = [a, v];
  }
  return chosen;
}

/** The budget's prices the service logged on a decision (its `shadow_price:` and `offer_price:` reason codes). */
export function loggedPrices(d: SimulatedDecision): ShadowPrices {
  const code = (prefix: string): number => {
    const c = d.reasonCodes?.find((r) => r.startsWith(prefix));
    const v = c === undefined ? 0 : Number(c.slice(prefix.length));
    return Number.isFinite(v) ? v : 0;
  };
  return { perCost: code('shadow_price:'), perOffer: code('offer_price:') };
}

/** The live run's rounds scored beside its replay: where a live run loses to the replay of its own log. */
export interface AgainstLive {
  /** What the service executed (exploration and the budget's prices included). */
  readonly executed: OracleShare;
  /** The service's greedy choices: the action it gave the highest probability (exploration removed). */
  readonly greedy: OracleShare;
  /** The replay's choices at the prices the service logged on each decision (the budget put back). */
  readonly atLoggedPrices: OracleShare;
}

/** Scores one round's requests as the live run made them and as the replay would at the live run's prices. */
export class AgainstLiveScore {
  private readonly executed = new OracleScore();
  private readonly greedy = new OracleScore();
  private readonly priced = new OracleScore();

  add(d: SimulatedDecision, scores: Readonly<Record<string, OfferScore>>): void {
    const truth = d.simulation.trueIncremental;
    const executed = d.simulation.executed ?? 'none';
    const greedy = (d.candidates ?? []).reduce(
      (b, c) => ((c.probability ?? 0) > b.probability ? { action: c.action, probability: c.probability ?? 0 } : b),
      { action: executed, probability: 0 },
    ).action;
    this.executed.add(truth, executed);
    this.greedy.add(truth, greedy);
    this.priced.add(truth, bestAction(scores, loggedPrices(d)));
  }

  result(): AgainstLive {
    return { executed: this.executed.result(), greedy: this.greedy.result(), atLoggedPrices: this.priced.result() };
  }
}
