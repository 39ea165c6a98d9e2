import type { LoggedDecision } from './off-policy-estimators';

/** A logged decision as the policy evaluation needs it: what could have been done, not only what was. */
export interface OpeDecision extends LoggedDecision {
  /** Actions available in this decision: the record's candidates plus the executed action. */
  readonly available: readonly string[];
  /** The logging policy's probability of every available action, when the record carries all of them. */
  readonly loggingProbabilities?: Readonly<Record<string, number>>;
  /** Optional grouping for a per-segment breakdown. */
  readonly segment?: string;
}

/**
 * Probability a target policy gives each action in one decision. `predictedRewards` is the cross-fitted
 * reward model's prediction for this decision (never from a model that saw it), for policies that act on it.
 */
export type DecisionPolicy = (
  decision: OpeDecision,
  predictedRewards: Readonly<Record<string, number>>,
) => Readonly<Record<string, number>>;
