import { normalCdf } from '@offerstream/uplift';
import { NO_OFFER, type OfferAction, type OfferTarget } from './offer-actions';

/** What the incremental-profit model says of one action in one context. */
export interface ActionEstimate {
  /** Expected gross profit of the decision's window if this action is taken. */
  readonly mean: number;
  /** Standard deviation of that mean (the model's uncertainty, not the reward's noise). */
  readonly sd: number;
  /** Joined decisions of this action the model was fitted on. */
  readonly n: number;
  /** Those of them near this shopper, on the scale of `n` (absent: the model does not say; n counts). */
  readonly support?: number;
  /** Sd of this mean minus no offer's when the model knows how their errors are linked (else taken as independent). */
  readonly gainSd?: number;
}

export interface ProfitModel {
  readonly version: string;
  /** Estimates of the actions in `values` (what one purchase earns under each, as priced for this decision). */
  predict(x: readonly number[], values: Readonly<Record<string, number>>): Readonly<Record<string, ActionEstimate>>;
}

export interface PolicySettings {
  /** Share of decisions drawn uniformly over the available actions (none included); logged exactly. */
  readonly exploration: number;
  /**
   * Fewer joined decisions than this for an action (or for no offer) and its model estimate is not used; fewer near
   * the shopper (the estimate's support) and the action may be explored there but is never the greedy choice.
   */
  readonly minActionExamples: number;
  /** Standard errors subtracted from an estimated gain before it may beat no offer: pay only for evidence. */
  readonly caution: number;
  /**
   * How the exploration share is spent. false (the default here; the service's POLICY_EXPLORE_BY_CHANCE is true): each
   * alternative gets share / (number of actions) times its explorationWeight. true: the alternatives split what a
   * uniform draw would give them all, share × (actions − 1) / actions, in proportion to their weights (never more in
   * total), so when one alternative is plausibly better and the rest are known losers it gets all of that instead of
   * a third of it while the rest goes unspent.
   */
  readonly explorationByChance?: boolean;
  /** Least share of its exploration an alternative keeps however sure the model is that it loses (default 0). */
  readonly explorationFloor?: number;
  /** Factor on the standard errors exploration compares by (default 1): the model's own are too small early on. */
  readonly explorationSdScale?: number;
}

/** What the budget charges an offer: per unit of its cost (spend) and per offer made (the count). */
export interface ShadowPrices {
  readonly perCost: number;
  readonly perOffer: number;
  /**
   * Share of its unpriced pace the count can afford (1 / (1 + pressure); default 1). Exploration is scaled by it: the
   * price per offer holds back greedy offers, and exploration would otherwise spend the count on its own.
   */
  readonly offerShare?: number;
}

export interface PolicyChoice {
  readonly action: OfferAction;
  /** Exact probability of this action under the executed policy (1 when there was nothing to choose). */
  readonly probability: number;
  readonly probabilities: Readonly<Record<string, number>>;
  /** Expected incremental gross profit over no offer, per action (the prior where the model has too little). */
  readonly profits: Readonly<Record<string, number>>;
  /** Whether each action's figure came from the learned model or the neutral prior. */
  readonly learned: Readonly<Record<string, boolean>>;
  readonly expectedIncrementalProfit: number;
  /** The chosen action's incremental profit as a share of the target's margin (0 for no offer). */
  readonly uplift: number;
  /** The action the policy would take without exploration, and whether this choice was an exploration draw. */
  readonly greedy: string;
  /** The best offer's net score before the price per offer made (what that price is a quantile of; 0: none). */
  readonly bestGain: number;
}

/** What one purchase earns under each action: the target's margin (and a bundle's extra) less the offer's cost. */
export function purchaseValues(actions: readonly OfferAction[], target: OfferTarget): Record<string, number> {
  return Object.fromEntries(
    actions.map((a) => [a.id, Math.round((target.margin + a.extraMargin - a.cost) * 100) / 100]),
  );
}

/**
 * Neutral prior: with no evidence an offer is assumed not to change whether the user buys, so it costs its
 * discount whenever they buy anyway. Every paid offer therefore starts below no offer, whatever its type; only
 * joined outcomes (or exploration) can make it worth its cost.
 */
export function priorIncrementalProfit(action: OfferAction, target: OfferTarget): number {
  return -action.cost * target.baseProbability;
}

/**
 * How much of its share of exploration an alternative gets: twice the chance that it is in fact better than the
 * greedy action (capped at 1), from the two estimates' means and standard errors. An action without evidence, or as
 * likely better as not, gets its whole share; one the model is sure loses gets next to none, so exploration stops
 * paying discounts where the answer is known and keeps asking where it is not.
 */
function explorationWeight(
  a: { score: number; sd: number },
  greedy: { score: number; sd: number },
  s: PolicySettings,
): number {
  const floor = Math.min(1, Math.max(0, s.explorationFloor ?? 0));
  const sd = Math.hypot(a.sd, greedy.sd) * (s.explorationSdScale ?? 1);
  if (!(sd > 0)) return a.score >= greedy.score ? 1 : floor;
  return Math.max(floor, Math.min(1, 2 * normalCdf((a.score - greedy.score) / sd)));
}

/**
 * Picks the action with the highest expected incremental gross profit net of the budget's shadow prices (per unit of
 * cost and per offer made), no offer included (it scores 0). A learned estimate must clear `caution` standard errors
 * before it counts as a gain, so thin evidence does not spend money. Exploration, `exploration` of the decisions at
 * most, is shared among the other actions by their chance of beating the greedy one (explorationWeight); every
 * probability is exact and logged.
 */
export function chooseOffer(
  model: ProfitModel | undefined,
  features: readonly number[],
  actions: readonly OfferAction[],
  target: OfferTarget,
  settings: PolicySettings,
  prices: ShadowPrices | number,
  random: () => number,
): PolicyChoice {
  const { perCost, perOffer, offerShare = 1 } = typeof prices === 'number' ? { perCost: prices, perOffer: 0 } : prices;
  const first = actions[0];
  if (!first) throw new Error('chooseOffer needs at least one action');
  const est = model?.predict(features, purchaseValues(actions, target));
  const none = est?.[NO_OFFER];
  const profits: Record<string, number> = {};
  const learned: Record<string, boolean> = {};
  // Net of the shadow price, before caution: what exploration compares. `usable` false: no evidence yet.
  const net: Record<string, { score: number; sd: number; usable: boolean }> = {};
  let greedy: OfferAction = actions.find((a) => a.id === NO_OFFER) ?? first;
  let best = greedy.id === NO_OFFER ? 0 : -Infinity;
  let bestGain = 0;
  for (const a of actions) {
    if (a.id === NO_OFFER) {
      profits[a.id] = 0;
      learned[a.id] = none !== undefined;
      net[a.id] = { score: 0, sd: 0, usable: true };
      continue;
    }
    const e = est?.[a.id];
    const usable =
      e !== undefined &&
      none !== undefined &&
      e.n >= settings.minActionExamples &&
      none.n >= settings.minActionExamples;
    const gain = usable ? e.mean - none.mean : priorIncrementalProfit(a, target);
    const sd = usable ? (e.gainSd ?? Math.hypot(e.sd, none.sd)) : 0;
    profits[a.id] = gain;
    learned[a.id] = usable;
    net[a.id] = { score: gain - perCost * a.cost - perOffer, sd, usable };
    const beforeOfferPrice = gain - settings.caution * sd - perCost * a.cost;
    const score = beforeOfferPrice - perOffer;
    // A linear model extrapolates an offer's effect to shoppers it was hardly tried on, and a refit that did so once
    // made 20% off the greedy choice for every shopper who buys anyway (docs/benchmarks.md): no greedy offer there.
    const supported = !usable || (e?.support ?? Infinity) >= settings.minActionExamples;
    if (supported) bestGain = Math.max(bestGain, beforeOfferPrice);
    if (supported && score > best) {
      best = score;
      greedy = a;
    }
  }
  const g = net[greedy.id] as { score: number; sd: number };
  const others = actions.filter((a) => a.id !== greedy.id);
  const eps = Math.min(1, Math.max(0, settings.exploration * Math.min(1, Math.max(0, offerShare))));
  const probabilities: Record<string, number> = {};
  let explored = 0;
  const weights = others.map((a) => {
    const n = net[a.id] as { score: number; sd: number; usable: boolean };
    return n.usable ? explorationWeight(n, g, settings) : 1;
  });
  const total = weights.reduce((t, w) => t + w, 0);
  others.forEach((a, i) => {
    const w = weights[i] as number;
    // By chance: the alternatives split what a uniform draw over every action would give them, so the chosen action
    // keeps its own 1/(number of actions) of the exploration and a share of 1 is still uniform over all actions.
    const share = settings.explorationByChance
      ? (eps * others.length * w) / actions.length / Math.max(1, total)
      : (eps / actions.length) * w;
    probabilities[a.id] = share;
    explored += share;
  });
  probabilities[greedy.id] = 1 - explored;
  let chosen = greedy;
  if (explored > 0) {
    let u = random();
    for (const a of others) {
      u -= probabilities[a.id] as number;
      if (u < 0) {
        chosen = a;
        break;
      }
    }
  }
  const gain = profits[chosen.id] ?? 0;
  return {
    action: chosen,
    probability: probabilities[chosen.id] as number,
    probabilities,
    profits,
    learned,
    expectedIncrementalProfit: gain,
    uplift: chosen.id === NO_OFFER || !(target.margin > 0) ? 0 : gain / target.margin,
    greedy: greedy.id,
    bestGain,
  };
}
