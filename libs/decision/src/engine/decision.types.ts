import type { Context } from '@opentelemetry/api';
import type { DecisionRecord, Offer, TriggerKind } from '@offerstream/contracts';

/** An item the triggering event told us about, for when the feature store does not know it (yet). */
export interface ItemHint {
  readonly itemId: string;
  readonly price?: number;
  readonly quantity?: number;
  readonly categoryPath?: readonly string[];
}

/** One occasion to decide, produced by a trigger. */
export interface DecisionRequest {
  readonly trigger: TriggerKind;
  /** Idempotency key: the same trigger delivered twice gets at most one offer. */
  readonly triggerId: string;
  readonly userId: string;
  /**
   * Where the offer must go, when the request says so (a page asking for an offer is the site or the app). Absent:
   * the decision chooses among the campaign's channels (see channels/).
   */
  readonly channel?: string;
  readonly placement?: string;
  /** Items the trigger is about: seeds for neighbours, and price hints. */
  readonly seeds: readonly ItemHint[];
  /** The cart of a cart-abandonment trigger: the offer applies to these items. */
  readonly cart?: readonly ItemHint[];
  /** Items never to offer (just bought, the badly reviewed one). */
  readonly exclude?: readonly string[];
  /** Candidate items supplied by the caller, e.g. the products on the page. */
  readonly requested?: readonly string[];
  readonly maxItems?: number;
  readonly now?: Date;
  /** The trace of what triggered it (a consumed event's span) when tracing is on: the decision continues it. */
  readonly trace?: Context;
}

export type DecisionKind = 'offer' | 'holdout' | 'no_offer' | 'duplicate';

export interface Decision {
  /** Derived from the trigger id (see decisionIdFor); a duplicate names the decision it repeats. */
  readonly decisionId: string;
  readonly kind: DecisionKind;
  /** Machine-readable reason: e.g. offer, holdout, policy_chose_no_offer, cap, cooldown, budget_spend_exhausted. */
  readonly reason: string;
  readonly triggerId: string;
  readonly userId: string;
  readonly campaignId?: string;
  readonly offer?: Offer;
  readonly reasonCodes: readonly string[];
  /** Probability of the policy's choice, including a choice of no offer (for off-policy evaluation). */
  readonly probability?: number;
  /**
   * What goes to the decisions topic. A duplicate carries the first delivery's record while Kafka has not
   * acknowledged it (stored with the claim, or with the offer in the outbox); else none (the first one logged it).
   */
  readonly record?: DecisionRecord;
}
