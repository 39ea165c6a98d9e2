import type { ClickstreamEvent } from '@offerstream/contracts';
import { decodeInteraction, encodeInteraction, interactionOf } from './interaction-record';
import { UserItemGraph, type GraphLimits } from './user-item.graph';

const DAY = 86_400;
const limits: GraphLimits = { maxItemsPerUser: 3, maxUsers: 2, maxAgeSeconds: 30 * DAY, halfLifeSeconds: 7 * DAY };
const base = { eventId: 'e1', schemaVersion: '1.0', occurredAt: '2026-01-01T00:00:10Z', producer: 't', userId: 'u1' };
const weights = { view: 1, cart: 3, purchase: 5 };

describe('interaction records', () => {
  it('turns views, carts and purchases into weighted interactions and ignores other events', () => {
    expect(interactionOf({ ...base, type: 'product_view', payload: { itemId: 'a' } }, weights)).toEqual({
      user: 'u1',
      items: ['a'],
      weight: 1,
      ts: Date.parse(base.occurredAt) / 1000,
    });
    expect(
      interactionOf({ ...base, type: 'add_to_cart', payload: { itemId: 'a', quantity: 2 } }, weights)?.weight,
    ).toBe(3);
    const purchase: ClickstreamEvent = {
      ...base,
      type: 'purchase',
      payload: {
        orderId: 'o',
        total: 3,
        currency: 'EUR',
        lines: [
          { itemId: 'a', quantity: 1, unitPrice: 1 },
          { itemId: 'b', quantity: 1, unitPrice: 1 },
          { itemId: 'a', quantity: 1, unitPrice: 1 },
        ],
      },
    };
    expect(interactionOf(purchase, weights)).toMatchObject({ items: ['a', 'b'], weight: 5 });
    expect(interactionOf({ ...base, type: 'search', payload: { query: 'x' } }, weights)).toBeNull();
  });

  it('uses the anonymous id when there is no user id', () => {
    const { userId: _drop, ...anon } = base;
    expect(
      interactionOf({ ...anon, anonymousId: 'anon-1', type: 'product_view', payload: { itemId: 'a' } }, weights)?.user,
    ).toBe('anon-1');
  });

  it('round-trips through the compact log encoding, ids with spaces and colons included', () => {
    const r = { user: 'user: 7', items: ['item a', 'b:c'], weight: 2.5, ts: 1767225610 };
    expect(decodeInteraction(encodeInteraction(r))).toEqual(r);
    expect(decodeInteraction('garbage')).toBeNull();
  });
});

describe('UserItemGraph', () => {
  const at = (user: string, item: string, ts: number, weight = 1) => ({ user, items: [item], weight, ts });

  it('accumulates the weight of repeated interactions into one edge', () => {
    const g = new UserItemGraph(limits);
    g.add(at('u', 'a', 100));
    g.add(at('u', 'a', 200, 3));
    expect(g.numEdges).toBe(1);
    expect(g.pairs(4)).toEqual([['u', 'a']]);
    expect(g.pairs(5)).toEqual([]);
    expect(g.applied).toBe(2);
  });

  it('evicts the weakest decayed edge of a full user, keeping a strong older one', () => {
    const g = new UserItemGraph(limits);
    g.add(at('u', 'bought', 0, 5));
    g.add(at('u', 'old-view', 0));
    g.add(at('u', 'view', DAY));
    g.add(at('u', 'new-view', 2 * DAY));
    expect(g.numEdges).toBe(3);
    expect(g.itemsOf('u')).toEqual(['new-view', 'view', 'bought']);
  });

  it('drops the least recently active user beyond the user cap', () => {
    const g = new UserItemGraph(limits);
    g.add(at('a', 'x', 1));
    g.add(at('b', 'x', 2));
    g.add(at('a', 'y', 3));
    g.add(at('c', 'x', 4));
    expect(g.numUsers).toBe(2);
    expect(g.itemsOf('b')).toEqual([]);
    expect(g.itemsOf('a')).toEqual(['y', 'x']);
    expect(g.numEdges).toBe(3);
  });

  it('ages out edges older than the window behind stream time', () => {
    const g = new UserItemGraph(limits);
    g.add(at('a', 'old', 0));
    g.add(at('b', 'old', 0));
    g.add(at('a', 'new', 40 * DAY));
    expect(g.pairs(1)).toEqual([['a', 'new']]);
    expect(g.numUsers).toBe(1);
    expect(g.numEdges).toBe(1);
  });

  it('forgets an erased user with every edge, leaving the other users and their counts intact', () => {
    const g = new UserItemGraph(limits);
    g.add(at('gone', 'a', 100));
    g.add(at('gone', 'b', 110));
    g.add(at('kept', 'a', 120));
    expect(g.remove('gone')).toBe(2);
    expect(g.remove('gone')).toBe(0);
    expect([...g.userIds()]).toEqual(['kept']);
    expect(g.numEdges).toBe(1);
    expect(g.pairs(1)).toEqual([['kept', 'a']]);
  });
});
