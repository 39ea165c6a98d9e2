import type { ClickstreamEvent } from '@offerstream/contracts';

/** How much one event of each kind says about a user's interest in an item. */
export interface InteractionWeights {
  readonly view: number;
  readonly cart: number;
  readonly purchase: number;
}

/** One event's implicit feedback: a user touched these items with this weight at this time (epoch seconds). */
export interface InteractionRecord {
  readonly user: string;
  readonly items: readonly string[];
  readonly weight: number;
  readonly ts: number;
}

// Ids are at most 128 characters of any kind but control characters never occur in them in practice; the unit
// separator keeps log entries small (no JSON quoting) and still unambiguous.
const SEP = '\u001f';

/** The interaction an event carries, or null for event types that are not implicit feedback on items. */
export function interactionOf(event: ClickstreamEvent, weights: InteractionWeights): InteractionRecord | null {
  const user = event.userId ?? event.anonymousId;
  if (user === undefined) return null;
  const ts = Math.floor(Date.parse(event.occurredAt) / 1000);
  switch (event.type) {
    case 'product_view':
      return { user, items: [event.payload.itemId], weight: weights.view, ts };
    case 'add_to_cart':
      return { user, items: [event.payload.itemId], weight: weights.cart, ts };
    case 'purchase':
      return { user, items: [...new Set(event.payload.lines.map((l) => l.itemId))], weight: weights.purchase, ts };
    default:
      return null;
  }
}

export function encodeInteraction(r: InteractionRecord): string {
  return [r.user, String(r.ts), String(r.weight), ...r.items].join(SEP);
}

export function decodeInteraction(s: string): InteractionRecord | null {
  const parts = s.split(SEP);
  const [user, ts, weight, ...items] = parts;
  if (user === undefined || ts === undefined || weight === undefined || items.length === 0) return null;
  const t = Number(ts);
  const w = Number(weight);
  if (!Number.isFinite(t) || !Number.isFinite(w)) return null;
  return { user, ts: t, weight: w, items };
}
