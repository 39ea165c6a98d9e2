import { expectedIncrementalProfit, type LinearThompsonBandit } from '@offerstream/uplift';
import { logit, sigmoid } from './propensity.model';
import { NO_OFFER, type OfferAction, type OfferTarget } from './offer-actions';

export interface PolicyChoice {
  readonly action: OfferAction;
  /** Exact probability of this action under the executed policy (1 when there was nothing to choose). */
  readonly probability: number;
  readonly probabilities: Readonly<Record<string, number>>;
  /** Posterior-mean purchase probability per action. */
  readonly purchaseProbability: Readonly<Record<string, number>>;
  /** Prior purchase probability of the chosen action; the bandit learns reward minus this. */
  readonly prior: number;
  readonly uplift: number;
  readonly expectedIncrementalProfit: number;
  readonly profits: Readonly<Record<string, number>>;
}

const clamp01 = (p: number): number => Math.min(0.999, Math.max(0.001, p));

/** Prior P(buy | action): the propensity shifted by the action's odds lift. */
export function priorProbability(base: number, action: OfferAction): number {
  return sigmoid(logit(base) + Math.log(action.liftOdds));
}

/**
 * Chooses an action by expected profit with Thompson exploration. The bandit models the residual of the
 * purchase outcome over the prior, so a cold bandit behaves like the prior model with a little noise and a
 * trained one corrects it per context. The value of an action is P(buy | a) x (margin - cost + extra margin),
 * which ranks actions exactly like incremental profit over no offer (the baseline term is the same for all).
 */
export function chooseOffer(
  bandit: LinearThompsonBandit,
  context: readonly number[],
  actions: readonly OfferAction[],
  target: OfferTarget,
): PolicyChoice {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const priors: Record<string, number> = {};
  for (const a of actions) priors[a.id] = priorProbability(target.baseProbability, a);
  const netMargin = (a: OfferAction): number => target.margin - a.cost + a.extraMargin;
  const ids = actions.map((a) => a.id);
  const first = actions[0];
  if (!first) throw new Error('chooseOffer needs at least one action');

  let chosen = first;
  let probability = 1;
  let probabilities: Record<string, number> = { [first.id]: 1 };
  if (actions.length > 1) {
    const choice = bandit.choose(context, ids, (id, residual) => {
      const a = byId.get(id) as OfferAction;
      return clamp01((priors[id] as number) + residual) * netMargin(a);
    });
    chosen = byId.get(choice.action) as OfferAction;
    probability = choice.probability;
    probabilities = choice.probabilities;
  }
  const residuals = bandit.predict(context, ids);
  const purchaseProbability: Record<string, number> = {};
  for (const id of ids) purchaseProbability[id] = clamp01((priors[id] as number) + (residuals[id] ?? 0));
  const control = byId.has(NO_OFFER) ? NO_OFFER : chosen.id;
  const discountCost: Record<string, number> = {};
  for (const a of actions) discountCost[a.id] = a.cost - a.extraMargin;
  const profits = expectedIncrementalProfit({ purchaseProbability, controlAction: control, margin: target.margin, discountCost });
  return {
    action: chosen,
    probability,
    probabilities,
    purchaseProbability,
    prior: priors[chosen.id] as number,
    uplift: (purchaseProbability[chosen.id] as number) - (purchaseProbability[control] as number),
    expectedIncrementalProfit: profits[chosen.id] ?? 0,
    profits,
  };
}
