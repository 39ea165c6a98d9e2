import type { DecisionRecord } from '@offerstream/contracts';

/**
 * The reason an offer's claim stores its record with: the record is that of the offer refused by a guardrail (the
 * only way a claimed offer ends without its own record in the budget slot), and the refusal's actual reason (cap,
 * cooldown, budget_*) is known only later; the once-marker then holds it.
 */
export const REFUSAL_PENDING = 'guardrail_refused';

/**
 * Why a claimed offer ended without one when its delivery was interrupted between the claim and the budget
 * reservation: the redelivery gives the offer id up (void) and records this reason, as a budget refusal records its.
 */
export const CLAIM_INTERRUPTED = 'claim_interrupted';

/** Markers whose stored record is final as written: the first delivery decided a holdout or no offer. */
const FINAL = new Set(['holdout', 'none']);

/** An offer refused by a guardrail: the record its claim stored, with the refusal's reason. */
export function refusedRecord(stored: DecisionRecord, reason: string): DecisionRecord {
  return { ...stored, reason: reason.slice(0, 128) };
}

/**
 * The decision record a redelivered trigger publishes, from its once-marker (`firstDecision`) and the record its
 * claim stored: a holdout's or a no-offer's as it was; for an offer the guardrails refused (the marker holds why),
 * the stored refusal with that reason (`claim_interrupted` when the offer was claimed but never reserved). Nothing
 * when the first delivery made an offer (its record travels with the offer through the outbox), when nothing was
 * stored (a claim written before records were, or Kafka already has it), or when the marker and the stored record
 * disagree.
 */
export function claimedRecord(
  firstDecision: string,
  firstWasOffer: boolean,
  stored: DecisionRecord | undefined,
): DecisionRecord | undefined {
  if (!stored || firstWasOffer || firstDecision === '') return undefined;
  if (FINAL.has(firstDecision)) return stored.reason === REFUSAL_PENDING ? undefined : stored;
  return stored.kind === 'no_offer' && stored.reason === REFUSAL_PENDING
    ? refusedRecord(stored, firstDecision)
    : undefined;
}
