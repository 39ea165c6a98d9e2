import fc from 'fast-check';
import type { CatalogEvent } from '../catalog.schema';
import type { ClickstreamEvent } from '../clickstream.schema';

/**
 * fast-check generators of valid events (every field within the contract's bounds, optional fields present or
 * absent, any Unicode) and of the ways real producers break them, for the decoder's property tests.
 */

/** Code points, not UTF-16 units: at most 2 units each, so `maxLength` stays within the schemas' limits. */
const text = (maxLength: number, minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', minLength, maxLength: Math.floor(maxLength / 2) });
const id = text(128, 1);
const money = fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true });
const quantity = fc.integer({ min: 1, max: 10_000 });
const currency = fc.stringMatching(/^[A-Z]{3}$/);
/** Optional fields are either absent or valid, never `undefined` (which JSON drops anyway). */
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const envelope = fc.record(
  {
    eventId: id,
    schemaVersion: fc.nat(999).map((minor) => `1.${minor}`),
    occurredAt: fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    producer: id,
    userId: id,
    anonymousId: id,
    sessionId: id,
    correlationId: id,
  },
  { requiredKeys: ['eventId', 'schemaVersion', 'occurredAt', 'producer'] },
);

const clickstreamPayloads = [
  fc.record({
    type: fc.constant('page_view' as const),
    payload: fc.record({ url: text(2048), referrer: optional(text(2048)) }),
  }),
  fc.record({
    type: fc.constant('product_view' as const),
    payload: fc.record({
      itemId: id,
      price: optional(money),
      categoryPath: optional(fc.array(text(128), { maxLength: 8 })),
    }),
  }),
  fc.record({
    type: fc.constant('search' as const),
    payload: fc.record({ query: text(1024), resultsCount: optional(fc.nat()) }),
  }),
  fc.record({
    type: fc.constant('add_to_cart' as const),
    payload: fc.record({ itemId: id, quantity, unitPrice: optional(money) }),
  }),
  fc.record({ type: fc.constant('remove_from_cart' as const), payload: fc.record({ itemId: id, quantity }) }),
  fc.record({
    type: fc.constant('checkout' as const),
    payload: fc.record({ cartValue: money, itemIds: optional(fc.array(id, { maxLength: 20 })), currency }),
  }),
  fc.record({
    type: fc.constant('purchase' as const),
    payload: fc.record({
      orderId: id,
      lines: fc.array(fc.record({ itemId: id, quantity, unitPrice: money }), { minLength: 1, maxLength: 20 }),
      total: money,
      currency,
      offerId: optional(text(128)),
    }),
  }),
  fc.record({
    type: fc.constant('review' as const),
    payload: fc.record({
      itemId: id,
      rating: fc.integer({ min: 1, max: 5 }),
      text: text(20_000),
      language: optional(text(16)),
    }),
  }),
];

/** A valid clickstream event with every default already filled in (so it equals its own decoding). */
export const validClickstreamEvent: fc.Arbitrary<ClickstreamEvent> = fc
  .tuple(envelope, fc.oneof(...clickstreamPayloads), fc.constantFrom<'userId' | 'anonymousId'>('userId', 'anonymousId'))
  .chain(([env, body, key]) =>
    // The user key decides the partition: at least one of the two ids is always there.
    (env[key] === undefined ? id.map((v) => ({ ...env, [key]: v })) : fc.constant(env)).map((e) =>
      jsonCopy<ClickstreamEvent>({ ...e, ...body }),
    ),
  );

const catalogItem = fc.record(
  {
    itemId: id,
    title: text(1024, 1),
    description: text(2048),
    categoryPath: fc.array(text(128, 1), { maxLength: 8 }),
    brand: text(256),
    price: money,
    currency,
    cost: money,
    marginRate: fc.double({ min: -1, max: 1, noNaN: true }),
    stock: fc.nat(),
    tags: fc.array(text(64), { maxLength: 64 }),
    language: text(16),
  },
  { requiredKeys: ['itemId', 'title', 'description', 'categoryPath', 'price', 'currency', 'stock', 'tags'] },
);

export const validCatalogEvent: fc.Arbitrary<CatalogEvent> = fc
  .tuple(
    envelope,
    fc.oneof(
      fc.record({ type: fc.constant('item_upsert' as const), payload: catalogItem }),
      fc.record({ type: fc.constant('item_delete' as const), payload: fc.record({ itemId: id }) }),
    ),
  )
  .map(([env, body]) => jsonCopy<CatalogEvent>({ ...env, ...body }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A valid event broken the ways producers break them: bit flips, truncation, a field of the wrong type, a missing
 * or extra field (prototype-polluting names included), a huge string, odd Unicode (lone surrogates, NUL, BOM),
 * deep nesting, or bytes that were never JSON.
 */
export function mutatedEventBytes<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<Buffer> {
  const json = valid.map((e) => JSON.parse(JSON.stringify(e)) as { [k: string]: Json });
  const bytes = json.map((e) => Buffer.from(JSON.stringify(e), 'utf8'));
  const weird = fc.constantFrom('\ud800', '\udfff', '\u0000', '\ufeff', '\u202e', 'é', '👍🏽', '\u{10ffff}');
  return fc.oneof(
    fc.tuple(bytes, fc.nat(), fc.nat(7)).map(([b, at, bit]) => flipBit(b, at, bit)),
    fc.tuple(bytes, fc.nat()).map(([b, at]) => b.subarray(0, b.length === 0 ? 0 : at % b.length)),
    fc.tuple(json, fc.nat(), fc.jsonValue()).map(([e, at, v]) => bytesOf(setAt(e, at, v as Json))),
    fc.tuple(json, fc.nat()).map(([e, at]) => bytesOf(setAt(e, at, undefined))),
    fc
      .tuple(json, fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), fc.jsonValue())
      .map(([e, k, v]) => Buffer.from(JSON.stringify(e).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(v)},`))),
    fc
      .tuple(json, fc.nat(), fc.integer({ min: 1_000, max: 300_000 }))
      .map(([e, at, n]) => bytesOf(setAt(e, at, 'x'.repeat(n)))),
    fc.tuple(json, fc.nat(), weird).map(([e, at, s]) => bytesOf(setAt(e, at, s))),
    fc
      .tuple(json, fc.nat(), fc.integer({ min: 1, max: 50_000 }))
      .map(([e, at, depth]) =>
        Buffer.from(JSON.stringify(setAt(e, at, 0)).replace(/:0([,}])/, `:${'['.repeat(depth)}${']'.repeat(depth)}$1`)),
      ),
    fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    fc.jsonValue().map((v) => bytesOf(v as Json)),
  );
}

function flipBit(b: Buffer, at: number, bit: number): Buffer {
  const out = Buffer.from(b);
  if (out.length > 0) out[at % out.length] = (out[at % out.length] ?? 0) ^ (1 << bit);
  return out;
}

const bytesOf = (v: Json): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

/** Replaces (or with `undefined` deletes) the n-th field of a depth-first walk of the event, modulo its size. */
function setAt(root: { [k: string]: Json }, n: number, value: Json | undefined): { [k: string]: Json } {
  const slots: [holder: { [k: string]: Json } | Json[], key: string | number][] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        slots.push([v, i]);
        walk(x);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        slots.push([v, k]);
        walk(v[k] ?? null);
      }
    }
  };
  const copy = JSON.parse(JSON.stringify(root)) as { [k: string]: Json };
  walk(copy);
  const slot = slots[n % Math.max(1, slots.length)];
  if (!slot) return copy;
  const [holder, key] = slot;
  if (Array.isArray(holder) && typeof key === 'number') {
    if (value === undefined) holder.splice(key, 1);
    else holder[key] = value;
  } else if (!Array.isArray(holder) && typeof key === 'string') {
    if (value === undefined) delete holder[key];
    else holder[key] = value;
  }
  return copy;
}

/** What a producer's JSON carries: fields left `undefined` are absent. */
function jsonCopy<T>(o: unknown): T {
  return JSON.parse(JSON.stringify(o)) as T;
}
