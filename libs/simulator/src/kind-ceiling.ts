import { ValidationError } from '@offerstream/core';
import {
  POLICY_FEATURES,
  POLICY_RANGED_FEATURES,
  POLICY_SEGMENT_COUNT_GROUPS,
  POLICY_SEGMENT_GROUPS,
} from '@offerstream/decision';
import {
  ABSENT,
  fitRangedFeatures,
  rangeGroups,
  rangeOf,
  SEGMENT_RESPONSE_PRIOR,
  withRanges,
} from '@offerstream/uplift';
import { SIM_ACTIONS, type MarketConfig, type SimActionOrNone, type UserTypeConfig } from './market.config';
import { OracleScore, type OracleShare } from './sim-files';
import { actionCost, buyProbability, type TruthCase } from './truth';

/** What the ceiling reads of one line of `npm run simulate -- --out FILE`. */
export interface KindLogLine {
  readonly kind: string;
  readonly features?: number[];
  readonly segment?: string;
  readonly simulation: {
    readonly round: number;
    /** The action the shopper was shown ('none' for no offer and the holdout) and whether they bought. */
    readonly executed?: string;
    readonly purchased?: boolean;
    readonly trueIncremental: Readonly<Record<string, number>>;
  };
}

export interface KindCeiling extends OracleShare {
  /**
   * The same kind posterior with each kind's response counted from the log instead of known: its purchase rate under
   * each action on the fit rounds, an offer's shrunk toward the kind's no-offer rate by as many pseudo-shoppers as the
   * segments use. What perfectly recovered kinds would reach with this log's evidence: between it and the segment
   * ceiling is what the segments' recovery of the kinds loses, between it and the kind ceiling what the log's
   * size does.
   */
  readonly estimated: OracleShare;
}

const LOG_PRICE = POLICY_FEATURES.indexOf('logPrice');
const MARGIN_RATE = POLICY_FEATURES.indexOf('marginRate');

/**
 * A log's labelled decisions (the policy's features and the simulator's kind), those up to `fitRounds` to fit on and
 * the later ones, holdouts left out, to score.
 */
export function labelledRounds<T extends KindLogLine>(
  lines: readonly T[],
  fitRounds: number,
): { usable: T[]; fit: T[]; scored: T[] } {
  const usable = lines.filter((l) => l.features?.length === POLICY_FEATURES.length && l.segment !== undefined);
  const fit = usable.filter((l) => l.simulation.round <= fitRounds);
  const scored = usable.filter((l) => l.simulation.round > fitRounds && l.kind !== 'holdout');
  if (fit.length === 0 || scored.length === 0)
    throw new ValidationError('the log needs labelled decisions both up to and after --fit-rounds');
  return { usable, fit, scored };
}

/**
 * How much of the oracle a policy could reach from the policy's own behaviour ranges (views, cart adds, purchases,
 * recency in quantile ranges) and items per price band if it knew each kind of shopper's distribution over them (naive
 * Bayes, counted on the rounds up to `fitRounds` with the simulator's labels) and each kind's true response: the greedy
 * choice by expected gain over the kinds' posterior, scored exactly on the later rounds against the oracle at as many
 * offers. A learner's share far below it is the learner's fault; a ceiling under the bar is the market's.
 */
export function kindCeiling(lines: readonly KindLogLine[], market: MarketConfig, fitRounds: number): KindCeiling {
  const { fit, scored } = labelledRounds(lines, fitRounds);
  const ranged = fitRangedFeatures(
    fit.map((l) => l.features ?? []),
    POLICY_RANGED_FEATURES,
  );
  const groups = [...POLICY_SEGMENT_GROUPS, ...rangeGroups(POLICY_FEATURES.length, ranged)];
  const levels = (l: KindLogLine): number[] => {
    const x = withRanges(l.features ?? [], ranged);
    return groups.map((g) => rangeOf(x, g));
  };
  const types = market.userTypes;
  const counts = types.map(() => ({ byGroup: groups.map((g) => new Array<number>(g.length).fill(0)) }));
  for (const l of fit) {
    const c = counts[types.findIndex((t) => t.name === l.segment)];
    if (!c) continue;
    levels(l).forEach((v, g) => {
      if (v !== ABSENT) (c.byGroup[g] as number[])[v] = ((c.byGroup[g] as number[])[v] as number) + 1;
    });
  }
  // The counted groups (items per price band): per kind, the items seen in each band, summed over its shoppers.
  const bands = types.map(() => POLICY_SEGMENT_COUNT_GROUPS.map((g) => new Array<number>(g.length).fill(0)));
  for (const l of fit) {
    const b = bands[types.findIndex((t) => t.name === l.segment)];
    POLICY_SEGMENT_COUNT_GROUPS.forEach((g, i) =>
      g.forEach(
        (j, k) => ((b?.[i] as number[])[k] = ((b?.[i] as number[])[k] as number) + Math.max(0, l.features?.[j] ?? 0)),
      ),
    );
  }
  const bandLog = (kind: number, x: readonly number[]): number =>
    POLICY_SEGMENT_COUNT_GROUPS.reduce((s, g, i) => {
      const row = bands[kind]?.[i] as number[];
      const total = row.reduce((a, b) => a + b, 0) + 0.5 * g.length;
      return g.reduce((t, j, k) => t + Math.max(0, x[j] ?? 0) * Math.log(((row[k] as number) + 0.5) / total), s);
    }, 0);
  // Per kind and group, the shoppers whose behaviour there was observed (absent ones are not counted).
  const observed = counts.map((c) => c.byGroup.map((row) => row.reduce((a, b) => a + b, 0)));
  const shareTotal = types.reduce((s, t) => s + t.share, 0);
  const rates = countedRates(fit, (l) => types.map((t) => (t.name === l.segment ? 1 : 0)), types.length);
  const score = new OracleScore();
  const estimated = new OracleScore();
  for (const l of scored) {
    const lv = levels(l);
    const logs = types.map((t, i) => {
      const c = counts[i] as (typeof counts)[number];
      // An absent behaviour (recency of a shopper who never bought) says nothing about the kind.
      return lv.reduce(
        (s, v, g) =>
          v === ABSENT
            ? s
            : s +
              Math.log(
                (((c.byGroup[g] as number[])[v] as number) + 0.5) /
                  ((observed[i]?.[g] as number) + 0.5 * (groups[g] as number[]).length),
              ),
        Math.log(t.share / shareTotal) + bandLog(i, l.features ?? []),
      );
    });
    const top = Math.max(...logs);
    const weights = logs.map((v) => Math.exp(v - top));
    score.add(l.simulation.trueIncremental, bestOverKinds(market, weights, l.features ?? []));
    estimated.add(
      l.simulation.trueIncremental,
      bestOverKinds(market, weights, l.features ?? [], (kind, a) => rates[kind]?.[a] ?? 0),
    );
  }
  return { ...score.result(), estimated: estimated.result() };
}

/**
 * Per mixture component (a kind, or a segment), P(purchase) under each action as the log's fit rounds show it, each
 * shopper counted by `membership` (one-hot for kinds, the posterior for segments); an offer's rate is shrunk toward
 * the component's no-offer rate.
 */
export function countedRates<T extends KindLogLine>(
  fit: readonly T[],
  membership: (l: T) => readonly number[],
  count: number,
): Record<string, number>[] {
  const seen = Array.from({ length: count }, () => new Map<string, { n: number; bought: number }>());
  for (const l of fit) {
    const a = l.simulation.executed;
    if (a === undefined || l.simulation.purchased === undefined) continue;
    membership(l).forEach((q, c) => {
      if (q === 0) return;
      const cell = seen[c]?.get(a) ?? { n: 0, bought: 0 };
      seen[c]?.set(a, { n: cell.n + q, bought: cell.bought + (l.simulation.purchased ? q : 0) });
    });
  }
  return seen.map((byAction) => {
    const none = byAction.get('none') ?? { n: 0, bought: 0 };
    const base = (none.bought + 0.5) / (none.n + 1);
    const out: Record<string, number> = { none: base };
    for (const a of SIM_ACTIONS) {
      const c = byAction.get(a) ?? { n: 0, bought: 0 };
      out[a] = (c.bought + SEGMENT_RESPONSE_PRIOR * base) / (c.n + SEGMENT_RESPONSE_PRIOR);
    }
    return out;
  });
}

/**
 * The action with the highest expected gain over a mixture of the market's kinds (`weights`, one per kind, any scale)
 * at the price and margin the policy saw; 'none' where no offer gains. `rate` gives a kind's P(purchase) under an
 * action where it is not the truth's.
 */
export function bestOverKinds(
  market: MarketConfig,
  weights: readonly number[],
  x: readonly number[],
  rate?: (kind: number, action: string) => number,
): string {
  return bestOverMixture(
    market,
    weights,
    x,
    (i, a, c) => rate?.(i, a) ?? buyProbability({ ...c, type: market.userTypes[i] as UserTypeConfig }, a),
  );
}

/**
 * The same over any mixture (kinds, or the service's segments): `rate(i, action, request)` is component i's
 * P(purchase) under the action at the request's price and cost.
 */
export function bestOverMixture(
  market: MarketConfig,
  weights: readonly number[],
  x: readonly number[],
  rate: (i: number, action: SimActionOrNone, request: Omit<TruthCase, 'type'>) => number,
): string {
  const total = weights.reduce((a, b) => a + b, 0);
  const price = Math.expm1(x[LOG_PRICE] ?? 0);
  const cost = price * (1 - (x[MARGIN_RATE] ?? 0));
  const request = { price, cost, shippingCost: market.shippingCost };
  // What an action costs depends on the price and shipping only, not on who is asked.
  const priced = { ...request, type: market.userTypes[0] as UserTypeConfig };
  const m = price - cost;
  let chosen = 'none';
  let gain = 0;
  for (const a of SIM_ACTIONS) {
    const g = weights.reduce(
      (s, w, i) => s + (w / total) * (rate(i, a, request) * (m - actionCost(priced, a)) - rate(i, 'none', request) * m),
      0,
    );
    if (g > gain) [chosen, gain] = [a, g];
  }
  return chosen;
}
