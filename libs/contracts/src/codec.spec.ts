import { randomUUID } from 'node:crypto';
import { decodeEvent, encodeEvent, MAX_EVENT_BYTES } from './codec';
import { TOPICS, allTopicNames, dlqTopicName } from './topics';
import { userKey } from './partition-key';

const envelope = () => ({
  eventId: randomUUID(),
  schemaVersion: '1.0',
  occurredAt: '2026-01-01T10:00:00.000Z',
  producer: 'shop',
  userId: 'u-1',
});

describe('event codec', () => {
  it('accepts a valid purchase and derives the currency default', () => {
    const value = Buffer.from(
      JSON.stringify({
        ...envelope(),
        type: 'purchase',
        payload: { orderId: 'o-1', lines: [{ itemId: 'i-1', quantity: 2, unitPrice: 10 }], total: 20 },
      }),
    );
    const r = decodeEvent(TOPICS.clickstream, value);
    expect(r.ok).toBe(true);
    if (r.ok && r.event.type === 'purchase') expect(r.event.payload.currency).toBe('EUR');
  });

  it.each([
    ['an empty message', Buffer.alloc(0), /no value/],
    ['bytes that are not JSON', Buffer.from([0xff, 0xfe, 0x00]), /not JSON/],
    ['an unknown event type', Buffer.from(JSON.stringify({ ...envelope(), type: 'teleport', payload: {} })), /schema/],
    [
      'an event without any user key',
      Buffer.from(JSON.stringify({ ...envelope(), userId: undefined, type: 'page_view', payload: { url: '/' } })),
      /userId or anonymousId/,
    ],
    [
      'a rating out of range',
      Buffer.from(JSON.stringify({ ...envelope(), type: 'review', payload: { itemId: 'i', rating: 9, text: 'x' } })),
      /rating/,
    ],
    [
      'a future major schema version',
      Buffer.from(JSON.stringify({ ...envelope(), schemaVersion: '2.0', type: 'page_view', payload: { url: '/' } })),
      /schemaVersion/,
    ],
    ['an oversized message', Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20), /over the/],
  ])('rejects %s with a reason instead of throwing', (_name, value, reason) => {
    const r = decodeEvent(TOPICS.clickstream, value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.retriable).toBe(false);
      expect(r.error.message).toMatch(reason);
    }
  });

  it('ignores unknown fields so that additive minor versions stay compatible', () => {
    const value = Buffer.from(
      JSON.stringify({
        ...envelope(),
        schemaVersion: '1.7',
        newField: 1,
        type: 'page_view',
        payload: { url: '/', extra: true },
      }),
    );
    expect(decodeEvent(TOPICS.clickstream, value).ok).toBe(true);
  });

  it('refuses to encode an invalid event', () => {
    expect(() => encodeEvent(TOPICS.catalog, { ...envelope(), type: 'item_delete', payload: {} } as never)).toThrow(
      /refusing to produce/,
    );
  });

  it('round-trips an offer through encode and decode', () => {
    const offer = {
      ...envelope(),
      type: 'offer' as const,
      payload: {
        offerId: 'of-1',
        userId: 'u-1',
        offerType: 'percent_discount' as const,
        items: ['i-1'],
        value: 10,
        expiresAt: '2026-01-02T10:00:00.000Z',
        campaignId: 'c-1',
        trigger: 'cart_abandon' as const,
        triggerId: 'cart:u-1:1',
        reasonCodes: ['trigger:cart_abandon'],
        modelVersions: { propensity: 'lr-1' },
        score: 0.3,
        upliftEstimate: 0.02,
        expectedIncrementalProfit: 1.2,
        probability: 0.8,
      },
    };
    const decoded = decodeEvent(TOPICS.offers, encodeEvent(TOPICS.offers, offer));
    expect(decoded.ok && decoded.event.payload.offerId).toBe('of-1');
  });
});

describe('topic registry', () => {
  it('gives every topic a dead-letter topic and a distinct versioned name', () => {
    const names = allTopicNames().map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of Object.values(TOPICS)) {
      expect(t.name).toMatch(/\.v1$/);
      expect(names).toContain(dlqTopicName(t.name));
    }
  });

  it('keys clickstream events by user id, else anonymous id', () => {
    expect(userKey({ userId: 'u', anonymousId: 'a' })).toBe('u');
    expect(userKey({ anonymousId: 'a' })).toBe('a');
    expect(() => userKey({})).toThrow();
  });
});
