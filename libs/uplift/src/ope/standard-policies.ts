import { predictProfits, type ConversionModelSnapshot } from '../profit/conversion-model';
import {
  CONTROL_ACTION,
  predictRewards,
  type RewardModelSnapshot,
  type RewardPrediction,
} from '../profit/reward-model';
import type { LoggedDecision } from './off-policy-estimators';
import type { DecisionPolicy, OpeDecision } from './ope-decision';

/**
 * The policy that logged the data. When a record lacks the other candidates' probabilities only the executed
 * action's is known; its weight is then 1 and the doubly robust term falls back to the IPS term (see docs/ope.md).
 */
export const loggingPolicy: DecisionPolicy = (d) => d.loggingProbabilities ?? { [d.action]: d.propensity };

export const nonePolicy: DecisionPolicy = () => ({ [CONTROL_ACTION]: 1 });

/** Always `action` where it was available, otherwise no offer. */
export function alwaysPolicy(action: string): DecisionPolicy {
  return (d) => (d.available.includes(action) ? { [action]: 1 } : { [CONTROL_ACTION]: 1 });
}

export const randomPolicy: DecisionPolicy = (d) =>
  Object.fromEntries(d.available.map((a) => [a, 1 / d.available.length]));

/** Highest predicted incremental profit among the available actions; ties and losses go to no offer. */
function argmaxProfit(d: OpeDecision, profit: (action: string) => number | undefined): Record<string, number> {
  let best = CONTROL_ACTION;
  let bestValue = 0;
  for (const a of d.available) {
    const v = profit(a);
    if (v !== undefined && v > bestValue) {
      best = a;
      bestValue = v;
    }
  }
  return { [best]: 1 };
}

/** Greedy on the cross-fitted reward model handed to every policy. */
export const crossFittedGreedyPolicy: DecisionPolicy = (d, q) => {
  const control = q[CONTROL_ACTION] ?? 0;
  return argmaxProfit(d, (a) => (q[a] === undefined ? undefined : q[a] - control));
};

/** What a fixed model predicts of one logged decision: expected reward, its sd and the evidence, per action. */
export type ActionScorer = (d: LoggedDecision) => Readonly<Record<string, RewardPrediction>>;

export const ridgeScorer =
  (model: RewardModelSnapshot): ActionScorer =>
  (d) =>
    predictRewards(model, d.context);

/** The conversion model priced with the decision's own values (what a purchase earns under each action). */
export const conversionScorer =
  (model: ConversionModelSnapshot): ActionScorer =>
  (d) =>
    predictProfits(model, d.context, d.values ?? {});

/**
 * Greedy on a fixed model (e.g. a candidate for promotion). With `caution` > 0 an action's gain over no offer counts
 * only after subtracting that many standard errors of it (and an action with fewer than `minExamples` fitted decisions,
 * in all or near the decision, never beats no offer), which is how the decision service serves a model: promotion
 * judges the policy that will actually run.
 */
export function greedyPolicy(
  score: ActionScorer,
  opts: { caution?: number; minExamples?: number } = {},
): DecisionPolicy {
  const caution = opts.caution ?? 0;
  const minExamples = opts.minExamples ?? 0;
  return (d) => {
    const r = score(d);
    const none = r[CONTROL_ACTION];
    return argmaxProfit(d, (a) => {
      const e = r[a];
      if (!e || !none || e.n < minExamples || none.n < minExamples) return undefined;
      if ((e.support ?? Infinity) < minExamples) return undefined;
      return e.mean - none.mean - caution * (e.gainSd ?? Math.hypot(e.sd, none.sd));
    });
  };
}

/** logging, none, all:<action> for every offer action, random and model (greedy, cross-fitted). */
export function standardPolicies(actions: readonly string[]): Record<string, DecisionPolicy> {
  const policies: Record<string, DecisionPolicy> = { logging: loggingPolicy, none: nonePolicy };
  for (const a of actions) if (a !== CONTROL_ACTION) policies[`all:${a}`] = alwaysPolicy(a);
  policies['random'] = randomPolicy;
  policies['model'] = crossFittedGreedyPolicy;
  return policies;
}
