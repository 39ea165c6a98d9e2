import { randomUUID } from 'node:crypto';
import type { ClickstreamEvent } from '@offerstream/contracts';
import { seededRandom } from '@offerstream/core';

export { seededRandom };

export interface GeneratorOptions {
  users: number;
  items: number;
  seed?: number;
  /** Zipf exponent of item popularity. */
  skew?: number;
  startTime?: number;
}

/**
 * Realistic synthetic clickstream: power-law item popularity, sessions of a few to dozens of events, each a
 * funnel of views, some searches, carts, occasional purchases and reviews.
 */
export function* generateClickstream(total: number, opts: GeneratorOptions): Generator<ClickstreamEvent> {
  const rnd = seededRandom(opts.seed ?? 42);
  const skew = opts.skew ?? 1.1;
  const cdf = zipfCdf(opts.items, skew);
  const pickItem = (): string => `item-${lowerBound(cdf, rnd())}`;
  let t = opts.startTime ?? Date.UTC(2026, 0, 1);
  let produced = 0;
  while (produced < total) {
    const user = `user-${Math.floor(rnd() ** 1.5 * opts.users)}`;
    const session = randomUUID();
    const length = 3 + Math.floor(rnd() ** 2 * 40);
    const cart: string[] = [];
    for (let i = 0; i < length && produced < total; i++) {
      t += 1 + Math.floor(rnd() * 30_000);
      const base = {
        eventId: randomUUID(),
        schemaVersion: '1.0',
        occurredAt: new Date(t).toISOString(),
        producer: 'generator',
        userId: user,
        sessionId: session,
      };
      const r = rnd();
      let e: ClickstreamEvent;
      if (r < 0.7) {
        e = { ...base, type: 'product_view', payload: { itemId: pickItem(), price: 5 + Math.floor(rnd() * 200) } };
      } else if (r < 0.78) {
        e = { ...base, type: 'search', payload: { query: QUERIES[Math.floor(rnd() * QUERIES.length)] ?? 'shoes' } };
      } else if (r < 0.9) {
        const itemId = pickItem();
        cart.push(itemId);
        e = { ...base, type: 'add_to_cart', payload: { itemId, quantity: 1, unitPrice: 5 + Math.floor(rnd() * 200) } };
      } else if (r < 0.93 && cart.length > 0) {
        e = { ...base, type: 'remove_from_cart', payload: { itemId: cart.pop() ?? 'item-0', quantity: 1 } };
      } else if (r < 0.97 && cart.length > 0) {
        const lines = cart.splice(0).map((itemId) => ({ itemId, quantity: 1, unitPrice: 5 + Math.floor(rnd() * 200) }));
        const total = lines.reduce((s, l) => s + l.unitPrice, 0);
        e = { ...base, type: 'purchase', payload: { orderId: randomUUID(), lines, total, currency: 'EUR' } };
      } else if (r < 0.985) {
        const rating = 1 + Math.floor(rnd() * 5);
        e = {
          ...base,
          type: 'review',
          payload: {
            itemId: pickItem(),
            rating,
            text: rating >= 4 ? 'great product, works well' : 'broke after a week, very disappointed',
          },
        };
      } else {
        e = { ...base, type: 'page_view', payload: { url: '/home' } };
      }
      produced++;
      yield e;
    }
  }
}

const QUERIES = [
  'running shoes',
  'wireless headphones',
  'phone case',
  'shampoo',
  'water heater',
  '手机',
  '洗发水',
  'novel',
];

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] = (cdf[i] ?? 0) / sum;
  return cdf;
}

function lowerBound(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] ?? 1) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
