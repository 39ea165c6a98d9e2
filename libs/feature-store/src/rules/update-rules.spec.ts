import type { ClickstreamEvent } from '@offerstream/contracts';
import { decodeUserState, emptyUserState, encodeUserState } from '../codec/user-state.codec';
import { defaultFeatureStoreConfig } from '../feature-store.config';
import { contentVector, termCounts, tokenize } from './content-vector';
import { decayFactor, forwardDecayToNow, forwardDecayWeight } from './decay';
import { addItemDeltas, emptyItemDeltas } from './item-deltas';
import { kmeans, nearestCentroid } from './kmeans';
import { seededRandom } from '@offerstream/core';
import { applyUserEvent, mergeUserStates, priceBand, type ItemInfo } from './user-profile.rules';
import { coocCosine, cosine, topK } from './vector-math';

const cfg = defaultFeatureStoreConfig();
const T0 = Date.UTC(2026, 5, 1);
const HOUR = 3_600_000;
let seq = 0;
const ev = (
  type: string,
  payload: Record<string, unknown>,
  at: number,
  extra: Record<string, unknown> = {},
): ClickstreamEvent =>
  ({
    eventId: `e${seq++}`,
    schemaVersion: '1.0',
    occurredAt: new Date(at).toISOString(),
    producer: 'test',
    userId: 'u1',
    sessionId: 's1',
    type,
    payload,
    ...extra,
  }) as ClickstreamEvent;

const shoes: ItemInfo = {
  category: 'shoes',
  brand: 'acme',
  price: 60,
  vector: Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0)),
};
const hats: ItemInfo = {
  category: 'hats',
  brand: 'zed',
  price: 15,
  vector: Float32Array.from({ length: 64 }, (_, i) => (i === 1 ? 1 : 0)),
};
const info = (id: string): ItemInfo | undefined =>
  id.startsWith('shoe') ? shoes : id.startsWith('hat') ? hats : undefined;

describe('decay', () => {
  it('halves a weight after one half-life and forward decay agrees with direct decay', () => {
    expect(decayFactor(HOUR, HOUR)).toBeCloseTo(0.5, 12);
    const epoch = T0;
    const stored = forwardDecayWeight(3, T0 + 2 * HOUR, epoch, HOUR);
    expect(forwardDecayToNow(stored, T0 + 5 * HOUR, epoch, HOUR)).toBeCloseTo(3 * decayFactor(3 * HOUR, HOUR), 12);
  });
});

describe('user profile rules', () => {
  it('weights purchases above carts above views and decays older interest by the half-life', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    applyUserEvent(s, ev('product_view', { itemId: 'hat-1' }, T0), 0, 1, info, cfg);
    applyUserEvent(s, ev('add_to_cart', { itemId: 'shoe-1', quantity: 1 }, T0 + 1000), 0, 2, info, cfg);
    const v = s.categories.get('hats') ?? 0;
    expect(s.categories.get('shoes')).toBeGreaterThan(v);
    applyUserEvent(
      s,
      ev(
        'purchase',
        { orderId: 'o', lines: [{ itemId: 'shoe-2', quantity: 1, unitPrice: 60 }], total: 60, currency: 'EUR' },
        T0 + cfg.interestHalfLifeMs,
      ),
      0,
      3,
      info,
      cfg,
    );
    // The view decayed by one half-life, the purchase added 5 on top of the decayed cart.
    expect(s.categories.get('hats')).toBeCloseTo(0.5, 5);
    expect(s.categories.get('shoes')).toBeCloseTo(
      3 * decayFactor(cfg.interestHalfLifeMs - 1000, cfg.interestHalfLifeMs) + 5,
      5,
    );
    expect(s.rfm).toEqual({ lastPurchaseAt: T0 + cfg.interestHalfLifeMs, frequency: 1, monetary: 60 });
    expect(s.purchased).toEqual(['shoe-2']);
    expect(s.history.slice(0, 3)).toEqual(['shoe-2', 'shoe-1', 'hat-1']);
    expect(s.priceBands[priceBand(cfg.priceBands, 60)]).toBeGreaterThan(0);
  });

  it('counts each item viewed or bought once in its price band, not the cart add, decayed by its own half-life', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    const hatBand = priceBand(cfg.priceBands, 15);
    const shoeBand = priceBand(cfg.priceBands, 60);
    applyUserEvent(s, ev('product_view', { itemId: 'hat-1' }, T0), 0, 1, info, cfg);
    applyUserEvent(s, ev('product_view', { itemId: 'shoe-1' }, T0), 0, 2, info, cfg);
    applyUserEvent(s, ev('add_to_cart', { itemId: 'shoe-1', quantity: 1 }, T0), 0, 3, info, cfg);
    expect(s.priceItems[hatBand]).toBe(1);
    expect(s.priceItems[shoeBand]).toBe(1);
    const later = T0 + cfg.priceItemsHalfLifeMs;
    const order = {
      orderId: 'o',
      lines: [{ itemId: 'shoe-1', quantity: 1, unitPrice: 60 }],
      total: 60,
      currency: 'EUR',
    };
    applyUserEvent(s, ev('purchase', order, later), 0, 4, info, cfg);
    expect(s.priceItems[hatBand]).toBeCloseTo(0.5, 9);
    expect(s.priceItems[shoeBand]).toBeCloseTo(1.5, 9);
    expect(s.priceItems.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 9);
  });

  it('counts a negative review against the category and moves the vector toward touched items only', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    applyUserEvent(s, ev('product_view', { itemId: 'shoe-1' }, T0), 0, 1, info, cfg);
    applyUserEvent(s, ev('review', { itemId: 'shoe-1', rating: 1, text: 'bad' }, T0 + 1), 0, 2, info, cfg);
    expect(s.categories.get('shoes')).toBeLessThan(0);
    applyUserEvent(s, ev('product_view', { itemId: 'hat-1' }, T0 + 2), 0, 3, info, cfg);
    expect(s.vector?.[0]).toBeCloseTo(0.5, 3);
    expect(s.vector?.[1]).toBeCloseTo(0.5, 3);
  });

  it('applies a late event within the tolerance and rejects one beyond it', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    applyUserEvent(s, ev('product_view', { itemId: 'shoe-1' }, T0), 0, 1, info, cfg);
    expect(applyUserEvent(s, ev('product_view', { itemId: 'hat-1' }, T0 - 60_000), 0, 2, info, cfg).ok).toBe(true);
    const late = applyUserEvent(s, ev('product_view', { itemId: 'hat-2' }, T0 - 3_600_000), 0, 3, info, cfg);
    expect(late).toMatchObject({ ok: false, code: 'OUT_OF_ORDER' });
    expect(s.updatedAt).toBe(T0);
  });

  it('keeps the cart of the current session and starts a new session after the gap', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    applyUserEvent(s, ev('add_to_cart', { itemId: 'shoe-1', quantity: 2 }, T0), 0, 1, info, cfg);
    applyUserEvent(s, ev('remove_from_cart', { itemId: 'shoe-1', quantity: 1 }, T0 + 1), 0, 2, info, cfg);
    expect(s.session.cart).toEqual([['shoe-1', 1]]);
    applyUserEvent(s, ev('product_view', { itemId: 'hat-1' }, T0 + 2 * HOUR, { sessionId: 's2' }), 0, 3, info, cfg);
    expect(s.session).toMatchObject({ id: 's2', items: ['hat-1'], cart: [] });
  });

  it('merges an anonymous profile once', () => {
    const u = emptyUserState(cfg.priceBands.length + 1, false);
    const a = emptyUserState(cfg.priceBands.length + 1, true);
    applyUserEvent(
      a,
      ev('product_view', { itemId: 'hat-1' }, T0, { userId: undefined, anonymousId: 'a1' }),
      1,
      1,
      info,
      cfg,
    );
    applyUserEvent(u, ev('product_view', { itemId: 'shoe-1' }, T0), 0, 1, info, cfg);
    mergeUserStates(u, a, 'a1', cfg);
    mergeUserStates(u, a, 'a1', cfg);
    expect(u.eventCount).toBe(2);
    expect(u.history).toEqual(['shoe-1', 'hat-1']);
    expect(u.categories.get('hats')).toBeCloseTo(1, 6);
  });

  it('round-trips the state through its binary encoding', () => {
    const s = emptyUserState(cfg.priceBands.length + 1, false);
    applyUserEvent(s, ev('add_to_cart', { itemId: 'shoe-1', quantity: 2 }, T0), 3, 12345, info, cfg);
    s.priceItems[2] = 2.25;
    const back = decodeUserState(encodeUserState(s));
    expect(back.watermarks.get(3)).toBe(12345);
    expect(back.session.cart).toEqual([['shoe-1', 2]]);
    expect(back.categories.get('shoes')).toBeCloseTo(3, 5);
    expect(back.vector?.[0]).toBeCloseTo(1, 3);
    expect(back.priceItems).toEqual(s.priceItems);
    expect(encodeUserState(s).length).toBeLessThan(300);
  });
});

describe('item-side rules', () => {
  it("pairs an item with the user's previous items in both directions", () => {
    const d = emptyItemDeltas();
    addItemDeltas(d, 7, [{ itemId: 'b', weight: 1, time: cfg.decayEpochMs, partners: ['a'] }], cfg);
    expect(d.cooc.get('b')).toEqual([{ offset: 7, n: 1, partners: [['a', 1]] }]);
    expect(d.cooc.get('a')).toEqual([{ offset: 7, n: 0, partners: [['b', 1]] }]);
    expect(d.popularity).toEqual([[7, 'b', 1]]);
  });

  it('computes cosine over counts and keeps the top K deterministically', () => {
    expect(coocCosine(2, 4, 1)).toBeCloseTo(1, 12);
    expect(coocCosine(1, 4, 4)).toBeCloseTo(0.25, 12);
    expect(cosine(Float32Array.from([1, 0]), Float32Array.from([1, 1]))).toBeCloseTo(Math.SQRT1_2, 6);
    const top = topK(
      [
        { itemId: 'b', score: 1 },
        { itemId: 'a', score: 1 },
        { itemId: 'c', score: 2 },
      ],
      2,
    );
    expect(top.map((t) => t.itemId)).toEqual(['c', 'a']);
  });
});

describe('content vectors', () => {
  it('tokenizes Chinese into character bigrams and English into words', () => {
    expect(tokenize('华为手机 Phone case')).toEqual(['华为', '为手', '手机', 'phone', 'case']);
  });

  it('makes items with shared rare words closer than unrelated ones', () => {
    const docs = [
      {
        title: 'trail running shoes',
        description: 'lightweight running shoes for trail',
        categoryPath: ['sport', 'shoes'],
      },
      { title: 'road running shoes', description: 'cushioned running shoes', categoryPath: ['sport', 'shoes'] },
      { title: '无线蓝牙耳机', description: '降噪耳机', categoryPath: ['数码'] },
    ];
    const counts = docs.map(termCounts);
    const df = new Map<number, number>();
    for (const c of counts) for (const b of c.keys()) df.set(b, (df.get(b) ?? 0) + 1);
    const vecs = counts.map((c) => contentVector(c, (b) => df.get(b) ?? 0, docs.length, 64));
    expect(cosine(vecs[0]!, vecs[1]!)).toBeGreaterThan(cosine(vecs[0]!, vecs[2]!) + 0.3);
  });
});

describe('k-means', () => {
  it('recovers planted clusters and assigns new points to the nearest centroid', () => {
    const rnd = seededRandom(3);
    const centres = [
      [5, 0],
      [0, 5],
      [-5, -5],
    ];
    const points: Float32Array[] = [];
    for (let i = 0; i < 300; i++) {
      const c = centres[i % 3]!;
      points.push(Float32Array.from([c[0]! + rnd() - 0.5, c[1]! + rnd() - 0.5]));
    }
    const r = kmeans(points, 3, { seed: 1 });
    expect([...r.sizes].sort()).toEqual([100, 100, 100]);
    const a = nearestCentroid(r, Float32Array.from([5, 0.2]));
    expect(r.assignments[0]).toBe(a);
  });
});
