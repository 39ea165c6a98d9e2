import { BinaryReader, BinaryWriter } from './binary-buffer';
import { decodeFloat16Vector, encodeFloat16Vector } from '@offerstream/core';
import { CONSENT_PURPOSES, type ConsentPurpose } from '@offerstream/contracts';

/**
 * Everything the stream processor keeps about one visitor, stored as one compact binary string per user
 * (~300-700 bytes with a 64-dim float16 vector), so that one Lua call writes it atomically and the per-key
 * overhead of Redis is paid once. Weights are decayed as of `updatedAt`.
 */
export interface UserState {
  /** Write counter; the first 4 bytes of the blob, used as the compare-and-set token. */
  version: number;
  /** Kafka partition -> last applied offset: events at or below are skipped on replay. */
  watermarks: Map<number, number>;
  anonymous: boolean;
  updatedAt: number;
  firstSeenAt: number;
  eventCount: number;
  categories: Map<string, number>;
  brands: Map<string, number>;
  priceBands: number[];
  /**
   * Per price band, the items viewed or bought in it, one each whatever the event's weight, decayed with their own
   * half-life (FS_PRICE_ITEMS_HALF_LIFE_H): how many draws the shopper's price level has shown in each band.
   */
  priceItems: number[];
  vector: Float32Array | null;
  vectorWeight: number;
  /** Distinct items touched, most recent first; the first FS_RECENT_MAX are the recent items. */
  history: string[];
  purchased: string[];
  session: SessionState;
  rfm: { lastPurchaseAt: number; frequency: number; monetary: number };
  /** Anonymous ids already merged into this profile, so a replayed login event never merges twice. */
  merged: string[];
  /** The latest consent choice per purpose (absent: never stated). */
  consent: Map<ConsentPurpose, ConsentRecord>;
}

export interface ConsentRecord {
  granted: boolean;
  /** When the choice was made (the consent event's occurredAt, ms). */
  at: number;
  source: string;
}

export interface SessionState {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  items: string[];
  cart: [itemId: string, quantity: number][];
}

/**
 * Format 2 appends the consent records, format 3 the items per price band; older blobs decode with none of what
 * their format lacks (no consent stated, no items counted).
 */
const FORMAT = 3;

export function emptyUserState(bands: number, anonymous: boolean): UserState {
  return {
    version: 0,
    watermarks: new Map(),
    anonymous,
    updatedAt: 0,
    firstSeenAt: 0,
    eventCount: 0,
    categories: new Map(),
    brands: new Map(),
    priceBands: new Array<number>(bands).fill(0),
    priceItems: new Array<number>(bands).fill(0),
    vector: null,
    vectorWeight: 0,
    history: [],
    purchased: [],
    session: { id: '', startedAt: 0, lastActivityAt: 0, items: [], cart: [] },
    rfm: { lastPurchaseAt: 0, frequency: 0, monetary: 0 },
    merged: [],
    consent: new Map(),
  };
}

export function versionToken(version: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(version >>> 0, 0);
  return b;
}

export function encodeUserState(s: UserState): Buffer {
  const w = new BinaryWriter(256 + (s.vector ? s.vector.length * 2 : 0) + s.history.length * 16);
  w.bytes(versionToken(s.version))
    .u8(FORMAT)
    .u8(s.anonymous ? 1 : 0);
  w.uvarint(s.watermarks.size);
  for (const [p, o] of s.watermarks) w.uvarint(p).uvarint(o);
  w.f64(s.updatedAt).f64(s.firstSeenAt).uvarint(s.eventCount);
  writeWeights(w, s.categories);
  writeWeights(w, s.brands);
  w.uvarint(s.priceBands.length);
  for (const v of s.priceBands) w.f32(v);
  if (s.vector) {
    w.uvarint(s.vector.length).f64(s.vectorWeight).bytes(encodeFloat16Vector(s.vector));
  } else {
    w.uvarint(0);
  }
  writeStrings(w, s.history);
  writeStrings(w, s.purchased);
  w.str(s.session.id).f64(s.session.startedAt).f64(s.session.lastActivityAt);
  writeStrings(w, s.session.items);
  w.uvarint(s.session.cart.length);
  for (const [item, q] of s.session.cart) w.str(item).uvarint(q);
  w.f64(s.rfm.lastPurchaseAt).uvarint(s.rfm.frequency).f64(s.rfm.monetary);
  writeStrings(w, s.merged);
  w.uvarint(s.consent.size);
  for (const [purpose, c] of s.consent) {
    w.u8(CONSENT_PURPOSES.indexOf(purpose))
      .u8(c.granted ? 1 : 0)
      .f64(c.at)
      .str(c.source);
  }
  // Counts of items: float16's three significant digits are plenty, and keep the record small.
  w.uvarint(s.priceItems.length).bytes(encodeFloat16Vector(Float32Array.from(s.priceItems)));
  return w.finish();
}

export function decodeUserState(buf: Buffer): UserState {
  const r = new BinaryReader(buf);
  const version = r.bytes(4).readUInt32LE(0);
  const format = r.u8();
  if (format < 1 || format > FORMAT) throw new Error(`unknown user state format ${format}`);
  const anonymous = r.u8() === 1;
  const watermarks = new Map<number, number>();
  for (let n = r.uvarint(); n > 0; n--) watermarks.set(r.uvarint(), r.uvarint());
  const updatedAt = r.f64();
  const firstSeenAt = r.f64();
  const eventCount = r.uvarint();
  const categories = readWeights(r);
  const brands = readWeights(r);
  const priceBands: number[] = [];
  for (let n = r.uvarint(); n > 0; n--) priceBands.push(r.f32());
  const dims = r.uvarint();
  let vector: Float32Array | null = null;
  let vectorWeight = 0;
  if (dims > 0) {
    vectorWeight = r.f64();
    vector = decodeFloat16Vector(r.bytes(dims * 2), 0, dims);
  }
  const history = readStrings(r);
  const purchased = readStrings(r);
  const session: SessionState = {
    id: r.str(),
    startedAt: r.f64(),
    lastActivityAt: r.f64(),
    items: readStrings(r),
    cart: [],
  };
  for (let n = r.uvarint(); n > 0; n--) session.cart.push([r.str(), r.uvarint()]);
  const rfm = { lastPurchaseAt: r.f64(), frequency: r.uvarint(), monetary: r.f64() };
  const merged = readStrings(r);
  const consent = new Map<ConsentPurpose, ConsentRecord>();
  if (format >= 2) {
    for (let n = r.uvarint(); n > 0; n--) {
      const purpose = CONSENT_PURPOSES[r.u8()];
      const record = { granted: r.u8() === 1, at: r.f64(), source: r.str() };
      if (purpose) consent.set(purpose, record);
    }
  }
  const priceItems: number[] = [];
  if (format >= 3) {
    const n = r.uvarint();
    priceItems.push(...decodeFloat16Vector(r.bytes(n * 2), 0, n));
  } else priceItems.push(...priceBands.map(() => 0));
  return {
    version,
    watermarks,
    anonymous,
    updatedAt,
    firstSeenAt,
    eventCount,
    categories,
    brands,
    priceBands,
    priceItems,
    vector,
    vectorWeight,
    history,
    purchased,
    session,
    rfm,
    merged,
    consent,
  };
}

function writeWeights(w: BinaryWriter, m: Map<string, number>): void {
  w.uvarint(m.size);
  for (const [k, v] of m) w.str(k).f32(v);
}

function readWeights(r: BinaryReader): Map<string, number> {
  const m = new Map<string, number>();
  for (let n = r.uvarint(); n > 0; n--) m.set(r.str(), r.f32());
  return m;
}

function writeStrings(w: BinaryWriter, a: readonly string[]): void {
  w.uvarint(a.length);
  for (const s of a) w.str(s);
}

function readStrings(r: BinaryReader): string[] {
  const a: string[] = [];
  for (let n = r.uvarint(); n > 0; n--) a.push(r.str());
  return a;
}
