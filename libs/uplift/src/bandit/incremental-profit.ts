import { ValidationError } from '@offerstream/core';

export interface IncrementalProfitInput {
  /** P(buy | action) for every candidate action including the control (no offer). */
  readonly purchaseProbability: Readonly<Record<string, number>>;
  readonly controlAction: string;
  /** Margin of the purchase without any discount. */
  readonly margin: number;
  /** Cost of each action's incentive when the customer buys (discount value); 0 for the control. */
  readonly discountCost: Readonly<Record<string, number>>;
}

/**
 * Expected incremental margin of each action over doing nothing:
 *   P(buy | a) * (margin - discountCost[a]) - P(buy | control) * margin.
 * It subtracts the margin the customer would have brought anyway, so an offer to someone who buys
 * regardless correctly scores as a loss of the discount.
 */
export function expectedIncrementalProfit(input: IncrementalProfitInput): Record<string, number> {
  const base = input.purchaseProbability[input.controlAction];
  if (base === undefined)
    throw new ValidationError('purchase probability of the control action is missing', {
      controlAction: input.controlAction,
    });
  const out: Record<string, number> = {};
  for (const [action, p] of Object.entries(input.purchaseProbability)) {
    if (!(p >= 0 && p <= 1))
      throw new ValidationError(`purchase probability of ${action} must be in [0, 1]`, { action, p });
    const cost = action === input.controlAction ? 0 : (input.discountCost[action] ?? 0);
    out[action] = p * (input.margin - cost) - base * input.margin;
  }
  return out;
}

/** Picks the action with the highest expected incremental profit; the control wins unless an offer pays. */
export function chooseByIncrementalProfit(input: IncrementalProfitInput): {
  action: string;
  expectedIncrementalProfit: number;
  profits: Record<string, number>;
} {
  const profits = expectedIncrementalProfit(input);
  let action = input.controlAction;
  let best = 0;
  for (const [a, v] of Object.entries(profits)) {
    if (v > best) {
      best = v;
      action = a;
    }
  }
  return { action, expectedIncrementalProfit: best, profits };
}
