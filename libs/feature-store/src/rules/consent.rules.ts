import type { ConsentEvent, ConsentPurpose } from '@offerstream/contracts';
import type { ConsentRecord, UserState } from '../codec/user-state.codec';

/**
 * Records a consent change in the user's state. Per purpose the latest choice by its own time wins, so a replayed
 * or late-delivered older choice never overrides a newer one (a withdrawal must stick even if the banner's earlier
 * grant arrives after it). Consent is not activity: no interest, session or clock changes.
 */
export function applyConsent(s: UserState, e: ConsentEvent): void {
  const at = Date.parse(e.occurredAt);
  for (const { purpose, status } of e.payload.choices) {
    setIfNewer(s.consent, purpose, { granted: status === 'granted', at, source: e.payload.source });
  }
}

/** The anonymous visitor's choices carry over to the account they log into, unless the account has newer ones. */
export function mergeConsent(target: UserState, anon: UserState): void {
  for (const [purpose, c] of anon.consent) setIfNewer(target.consent, purpose, c);
}

function setIfNewer(m: Map<ConsentPurpose, ConsentRecord>, purpose: ConsentPurpose, c: ConsentRecord): void {
  const cur = m.get(purpose);
  // On equal times a withdrawal wins: when in doubt, do not market.
  if (!cur || c.at > cur.at || (c.at === cur.at && !c.granted)) m.set(purpose, { ...c });
}
