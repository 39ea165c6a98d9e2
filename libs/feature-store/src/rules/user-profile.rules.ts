import type { ClickstreamEvent } from '@offerstream/contracts';
import type { UserState } from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import { applyConsent, mergeConsent } from './consent.rules';
import { decayFactor } from './decay';
import { capWeights } from './vector-math';

/** What the user rules need to know about an item (from the catalog); missing items still count. */
export interface ItemInfo {
  vector: Float32Array | null;
  category: string | null;
  brand: string | null;
  price: number | null;
}
export type ItemInfoLookup = (itemId: string) => ItemInfo | undefined;

/** One positive interaction with an item, for the item-side aggregates (popularity, co-occurrence). */
export interface ItemTouch {
  itemId: string;
  weight: number;
  time: number;
  /** Items the user touched just before, most recent first: co-occurrence partners. */
  partners: string[];
}

export type ApplyOutcome = { ok: true; touches: ItemTouch[] } | { ok: false; code: string; reason: string };

interface Touch {
  itemId: string;
  weight: number;
  price: number | undefined;
  /** One more item seen at its price (a view or a bought line; a cart add is an item already viewed). */
  counted?: boolean;
}

/**
 * Applies one clickstream event to a user's state, in place. Pure and deterministic: the stream processor and
 * the reference model in the tests run exactly this. Weights are kept decayed as of `updatedAt`; a late event
 * (within the tolerance) is discounted by its age instead of moving the clock back.
 */
export function applyUserEvent(
  s: UserState,
  e: ClickstreamEvent,
  partition: number,
  offset: number,
  info: ItemInfoLookup,
  cfg: FeatureStoreConfig,
): ApplyOutcome {
  if (e.type === 'consent') {
    // A consent change is never out of order: it is kept by its own time, whatever else the user did since.
    applyConsent(s, e);
    s.watermarks.set(partition, offset);
    return { ok: true, touches: [] };
  }
  const t = Date.parse(e.occurredAt);
  if (s.eventCount > 0 && t < s.updatedAt - cfg.outOfOrderToleranceMs) {
    return {
      ok: false,
      code: 'OUT_OF_ORDER',
      reason: `event at ${e.occurredAt} is ${Math.round((s.updatedAt - t) / 1000)} s older than the user's latest (tolerance ${cfg.outOfOrderToleranceMs / 1000} s)`,
    };
  }
  s.watermarks.set(partition, offset);
  let g = 1;
  let gi = 1;
  if (s.eventCount === 0) {
    s.updatedAt = t;
    s.firstSeenAt = t;
  } else if (t > s.updatedAt) {
    decayStateTo(s, t, cfg);
  } else {
    g = decayFactor(s.updatedAt - t, cfg.interestHalfLifeMs);
    gi = decayFactor(s.updatedAt - t, cfg.priceItemsHalfLifeMs);
  }
  s.eventCount++;
  s.anonymous = e.userId === undefined;

  const sess = s.session;
  const newSession =
    (e.sessionId !== undefined && e.sessionId !== sess.id) || t - sess.lastActivityAt > cfg.sessionGapMs;
  if (newSession && t >= sess.lastActivityAt) {
    s.session = { id: e.sessionId ?? `t${t}`, startedAt: t, lastActivityAt: t, items: [], cart: [] };
  } else {
    sess.lastActivityAt = Math.max(sess.lastActivityAt, t);
  }

  const W = cfg.eventWeights;
  const touches: Touch[] = [];
  switch (e.type) {
    case 'product_view':
      touches.push({ itemId: e.payload.itemId, weight: W.product_view ?? 0, price: e.payload.price, counted: true });
      break;
    case 'add_to_cart':
      touches.push({ itemId: e.payload.itemId, weight: W.add_to_cart ?? 0, price: e.payload.unitPrice });
      cartAdd(s, e.payload.itemId, e.payload.quantity, cfg.cartMax);
      break;
    case 'remove_from_cart':
      touches.push({ itemId: e.payload.itemId, weight: W.remove_from_cart ?? 0, price: undefined });
      cartAdd(s, e.payload.itemId, -e.payload.quantity, cfg.cartMax);
      break;
    case 'checkout':
      for (const itemId of e.payload.itemIds ?? []) touches.push({ itemId, weight: W.checkout ?? 0, price: undefined });
      break;
    case 'purchase': {
      for (const l of e.payload.lines) {
        touches.push({ itemId: l.itemId, weight: W.purchase ?? 0, price: l.unitPrice, counted: true });
        s.purchased = moveToFront(s.purchased, l.itemId, cfg.purchasedMax);
        s.session.cart = s.session.cart.filter(([id]) => id !== l.itemId);
      }
      s.rfm.lastPurchaseAt = Math.max(s.rfm.lastPurchaseAt, t);
      s.rfm.frequency++;
      s.rfm.monetary += e.payload.total;
      break;
    }
    case 'review':
      // A negative review counts against the item's category and brand: rating 5 -> +w, 3 -> 0, 1 -> -w.
      touches.push({
        itemId: e.payload.itemId,
        weight: ((W.review ?? 0) * (e.payload.rating - 3)) / 2,
        price: undefined,
      });
      break;
    case 'search':
    case 'page_view':
      break;
  }

  const out: ItemTouch[] = [];
  for (const touch of touches) {
    const w = touch.weight * g;
    const it = info(touch.itemId);
    const price = touch.price ?? it?.price ?? undefined;
    const band = price !== undefined && price !== null ? priceBand(cfg.priceBands, price) : undefined;
    if (w !== 0) {
      if (it?.category) addWeight(s.categories, it.category, w);
      if (it?.brand) addWeight(s.brands, it.brand, w);
      if (band !== undefined) s.priceBands[band] = (s.priceBands[band] ?? 0) + w;
    }
    if (touch.counted === true && band !== undefined) s.priceItems[band] = (s.priceItems[band] ?? 0) + gi;
    if (w > 0 && it?.vector && it.vector.length === cfg.vectorDims) updateVector(s, it.vector, w);
    if (touch.weight > 0) {
      out.push({
        itemId: touch.itemId,
        weight: touch.weight,
        time: t,
        partners: partnersOf(s.history, touch.itemId, cfg.coocWindow),
      });
    }
    s.history = moveToFront(s.history, touch.itemId, cfg.seenMax);
    s.session.items = moveToFront(s.session.items, touch.itemId, cfg.sessionItemsMax);
  }
  s.categories = capWeights(s.categories, cfg.categoriesMax);
  s.brands = capWeights(s.brands, cfg.brandsMax);
  return { ok: true, touches: out };
}

/** Folds an anonymous visitor's state into the user's, once (the anonymous id is remembered in `merged`). */
export function mergeUserStates(
  target: UserState,
  anon: UserState,
  anonymousId: string,
  cfg: FeatureStoreConfig,
): void {
  if (target.merged.includes(anonymousId)) return;
  mergeConsent(target, anon);
  if (anon.eventCount === 0) return;
  const T = Math.max(target.updatedAt, anon.updatedAt);
  if (target.eventCount > 0) decayStateTo(target, T, cfg);
  else target.updatedAt = T;
  const fa = decayFactor(T - anon.updatedAt, cfg.interestHalfLifeMs);
  for (const [k, v] of anon.categories) addWeight(target.categories, k, v * fa);
  for (const [k, v] of anon.brands) addWeight(target.brands, k, v * fa);
  anon.priceBands.forEach((v, i) => {
    target.priceBands[i] = (target.priceBands[i] ?? 0) + v * fa;
  });
  const fi = decayFactor(T - anon.updatedAt, cfg.priceItemsHalfLifeMs);
  anon.priceItems.forEach((v, i) => {
    target.priceItems[i] = (target.priceItems[i] ?? 0) + v * fi;
  });
  if (anon.vector && anon.vectorWeight > 0) updateVector(target, anon.vector, anon.vectorWeight * fa);
  target.history = dedupe([...target.history, ...anon.history]).slice(0, cfg.seenMax);
  target.purchased = dedupe([...target.purchased, ...anon.purchased]).slice(0, cfg.purchasedMax);
  target.rfm.frequency += anon.rfm.frequency;
  target.rfm.monetary += anon.rfm.monetary;
  target.rfm.lastPurchaseAt = Math.max(target.rfm.lastPurchaseAt, anon.rfm.lastPurchaseAt);
  target.firstSeenAt = target.eventCount > 0 ? Math.min(target.firstSeenAt, anon.firstSeenAt) : anon.firstSeenAt;
  target.eventCount += anon.eventCount;
  target.merged = [anonymousId, ...target.merged].slice(0, cfg.mergedIdsMax);
  target.categories = capWeights(target.categories, cfg.categoriesMax);
  target.brands = capWeights(target.brands, cfg.brandsMax);
}

export function priceBand(bands: readonly number[], price: number): number {
  let i = 0;
  while (i < bands.length && price >= (bands[i] ?? Infinity)) i++;
  return i;
}

function decayStateTo(s: UserState, t: number, cfg: FeatureStoreConfig): void {
  const f = decayFactor(t - s.updatedAt, cfg.interestHalfLifeMs);
  for (const [k, v] of s.categories) s.categories.set(k, v * f);
  for (const [k, v] of s.brands) s.brands.set(k, v * f);
  for (let i = 0; i < s.priceBands.length; i++) s.priceBands[i] = (s.priceBands[i] ?? 0) * f;
  const fi = decayFactor(t - s.updatedAt, cfg.priceItemsHalfLifeMs);
  for (let i = 0; i < s.priceItems.length; i++) s.priceItems[i] = (s.priceItems[i] ?? 0) * fi;
  s.vectorWeight *= f;
  s.updatedAt = t;
}

/** Decayed weighted mean: the old mean keeps its (decayed) mass, the new item adds w. */
function updateVector(s: UserState, v: Float32Array, w: number): void {
  const total = s.vectorWeight + w;
  if (!s.vector || s.vectorWeight <= 0) {
    s.vector = Float32Array.from(v);
  } else {
    const a = s.vectorWeight / total;
    const b = w / total;
    const m = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) m[i] = (s.vector[i] ?? 0) * a + (v[i] ?? 0) * b;
    s.vector = m;
  }
  s.vectorWeight = total;
}

function addWeight(m: Map<string, number>, k: string, w: number): void {
  m.set(k, (m.get(k) ?? 0) + w);
}

function cartAdd(s: UserState, itemId: string, qty: number, max: number): void {
  const cart = s.session.cart;
  const i = cart.findIndex(([id]) => id === itemId);
  const next = (i >= 0 ? (cart[i]?.[1] ?? 0) : 0) + qty;
  if (i >= 0) cart.splice(i, 1);
  if (next > 0) cart.unshift([itemId, next]);
  if (cart.length > max) cart.length = max;
}

function moveToFront(list: string[], id: string, max: number): string[] {
  if (list[0] === id) return list;
  const out = [id];
  for (const x of list) {
    if (x !== id) out.push(x);
    if (out.length >= max) break;
  }
  return out;
}

function partnersOf(history: readonly string[], itemId: string, window: number): string[] {
  const out: string[] = [];
  for (const x of history) {
    if (out.length >= window) break;
    if (x !== itemId) out.push(x);
  }
  return out;
}

function dedupe(a: string[]): string[] {
  return [...new Set(a)];
}
