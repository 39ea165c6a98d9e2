import fc from 'fast-check';
import { decodeFloat16Vector, encodeFloat16Vector, fuzzParams } from '@offerstream/core';

import { decodeUserState, emptyUserState, encodeUserState, type UserState } from './user-state.codec';

const str = fc.string({ unit: 'binary', maxLength: 40 });
const strings = fc.array(str, { maxLength: 30 });
/** Any double the rules could compute, including -0, NaN, infinities and subnormals: f64 fields keep them exactly. */
const f64 = fc.double();
const count = fc.maxSafeNat();
const weights = fc.array(fc.tuple(str, fc.double()), { maxLength: 20 }).map((kv) => new Map(kv));

/**
 * Arbitrary user states. Built on emptyUserState so that a field added later (with its default) still round-trips
 * here until its own generator is added.
 */
const userState: fc.Arbitrary<UserState> = fc
  .record({
    version: fc.nat({ max: 0xffff_ffff }),
    watermarks: fc.array(fc.tuple(fc.nat(10_000), count), { maxLength: 16 }).map((kv) => new Map(kv)),
    anonymous: fc.boolean(),
    updatedAt: f64,
    firstSeenAt: f64,
    eventCount: count,
    categories: weights,
    brands: weights,
    priceBands: fc.array(fc.double(), { maxLength: 16 }),
    vector: fc.option(
      fc.array(fc.float(), { minLength: 1, maxLength: 128 }).map((a) => Float32Array.from(a)),
      { nil: null },
    ),
    vectorWeight: f64,
    history: strings,
    purchased: strings,
    session: fc.record({
      id: str,
      startedAt: f64,
      lastActivityAt: f64,
      items: strings,
      cart: fc.array(fc.tuple(str, count), { maxLength: 20 }),
    }),
    rfm: fc.record({ lastPurchaseAt: f64, frequency: count, monetary: f64 }),
    merged: strings,
  })
  .map((fields) => ({ ...emptyUserState(0, fields.anonymous), ...fields }));

/**
 * What the blob keeps of a state: weights and price bands as float32, the vector as float16 (its weight stays a
 * double), and everything else exactly.
 */
function asStored(s: UserState): UserState {
  const f32 = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, Math.fround(v)]));
  return {
    ...s,
    categories: f32(s.categories),
    brands: f32(s.brands),
    priceBands: s.priceBands.map(Math.fround),
    vector: s.vector && decodeFloat16Vector(encodeFloat16Vector(s.vector)),
    vectorWeight: s.vector ? s.vectorWeight : 0,
  };
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

describe('user state codec under property tests', () => {
  it('decodes every encoded state to the state itself, at the precision each field is stored with', () => {
    fc.assert(
      fc.property(userState, (s) => {
        expect(decodeUserState(encodeUserState(s))).toEqual(asStored(s));
      }),
      fuzzParams(500),
    );
  });

  it('is a fixed point after one round: encoding the decoded state gives the same bytes', () => {
    fc.assert(
      fc.property(userState, (s) => {
        const blob = encodeUserState(s);
        expect(encodeUserState(decodeUserState(blob)).equals(blob)).toBe(true);
      }),
      fuzzParams(500),
    );
  });

  it('keeps the write counter in the first 4 bytes, where the compare-and-set script reads it', () => {
    fc.assert(
      fc.property(userState, (s) => {
        expect(encodeUserState(s).readUInt32LE(0)).toBe(s.version);
      }),
      fuzzParams(200),
    );
  });

  it('stores strings as UTF-8, so a lone surrogate in an id comes back as U+FFFD', () => {
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    const id = fc.array(fc.oneof(str, lone), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(userState, id, (s, item) => {
        const decoded = decodeUserState(encodeUserState({ ...s, history: [item] }));
        expect(decoded.history).toEqual([item.replace(LONE_SURROGATE, '\ufffd')]);
      }),
      fuzzParams(200),
    );
  });
});
