import { randomUUID } from 'node:crypto';
import type { OfferRequestEvent, PurchaseEvent, ReviewEvent } from '@offerstream/contracts';
import { campaign, campaignCreate } from '../campaign/campaign.schema';
import { ineligibility } from '../campaign/campaign-eligibility';
import { httpDecisionBody, httpDecisionTrigger } from './http-decision.trigger';
import { offerRequestTrigger } from './offer-request.trigger';
import { postPurchaseTrigger } from './post-purchase.trigger';
import { serviceRecoveryTrigger } from './service-recovery.trigger';

const env = { eventId: 'e1', schemaVersion: '1.0', occurredAt: '2026-01-01T00:00:00Z', producer: 't', userId: 'u' };
const now = new Date('2026-03-01T12:00:00Z');

describe('event triggers', () => {
  it('turns only reviews rated 2 or less into service recovery, excluding the reviewed item', () => {
    const review = (rating: number): ReviewEvent => ({
      ...env,
      type: 'review',
      payload: { itemId: 'i', rating, text: 'x' },
    });
    expect(serviceRecoveryTrigger(review(3), 'u', now)).toBeUndefined();
    const r = serviceRecoveryTrigger(review(2), 'u', now)!;
    expect(r.trigger).toBe('service_recovery');
    expect(r.exclude).toEqual(['i']);
  });

  it('keys post-purchase cross-sell on the order, so a redelivered purchase is the same trigger', () => {
    const p: PurchaseEvent = {
      ...env,
      type: 'purchase',
      payload: { orderId: 'o1', lines: [{ itemId: 'a', quantity: 1, unitPrice: 9 }], total: 9, currency: 'EUR' },
    };
    const a = postPurchaseTrigger(p, 'u', now);
    const b = postPurchaseTrigger({ ...p, eventId: randomUUID() }, 'u', now);
    expect(a.triggerId).toBe(b.triggerId);
    expect(a.exclude).toEqual(['a']);
  });

  it('keys offer requests on the event id and reads the channel from the context', () => {
    const e: OfferRequestEvent = {
      ...env,
      type: 'offer_request',
      payload: { userId: 'u', placement: 'home', context: { channel: 'app' }, maxItems: 4 },
    };
    const r = offerRequestTrigger(e, now);
    expect(r.triggerId).toBe('offer_request:e1');
    expect(r.channel).toBe('app');
    expect(r.maxItems).toBe(4);
  });

  it('keys HTTP decisions on the request id when the caller gives one', () => {
    const body = httpDecisionBody.parse({ userId: 'u', placement: 'home', requestId: 'r1' });
    expect(httpDecisionTrigger(body, now).triggerId).toBe(httpDecisionTrigger(body, now).triggerId);
    expect(httpDecisionBody.safeParse({ userId: 'u', placement: 'home', extra: 1 }).success).toBe(false);
  });

  it('never hands a price stated in an HTTP request to the engine, only the item and its category', () => {
    const body = httpDecisionBody.parse({
      userId: 'u',
      placement: 'product',
      requestId: 'r2',
      items: [
        { itemId: 'sku-1', price: 1e9, categoryPath: ['shoes'] },
        { itemId: 'sku-2', price: 5 },
      ],
    });
    expect(httpDecisionTrigger(body, now).seeds).toEqual([
      { itemId: 'sku-1', categoryPath: ['shoes'] },
      { itemId: 'sku-2' },
    ]);
  });
});

describe('campaign eligibility', () => {
  const make = (extra: Record<string, unknown>) =>
    campaign.parse({
      ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1, count: 1 }, ...extra }),
      version: 1,
      createdAt: env.occurredAt,
      updatedAt: env.occurredAt,
    });
  const ctx = { trigger: 'http_decision' as const, channel: 'site', user: undefined, now };

  it('applies status, dates, hours, triggers, channels, segments and new-versus-returning', () => {
    expect(ineligibility(make({}), ctx)).toBeUndefined();
    expect(ineligibility(make({ status: 'paused' }), ctx)).toBe('paused');
    expect(ineligibility(make({ startsAt: '2026-04-01T00:00:00Z' }), ctx)).toBe('not_started');
    expect(ineligibility(make({ endsAt: '2026-02-01T00:00:00Z' }), ctx)).toBe('ended');
    expect(ineligibility(make({ eligibility: { hoursUtc: [8, 9] } }), ctx)).toBe('outside_hours');
    expect(ineligibility(make({ eligibility: { triggers: ['cart_abandon'] } }), ctx)).toBe('trigger');
    expect(ineligibility(make({ eligibility: { channels: ['email'] } }), ctx)).toBe('channel');
    expect(ineligibility(make({ eligibility: { segments: ['vip'] } }), ctx)).toBe('segment');
    expect(
      ineligibility(make({ eligibility: { segments: ['vip'] } }), { ...ctx, user: { userId: 'u', segment: 'vip' } }),
    ).toBeUndefined();
    expect(ineligibility(make({ eligibility: { customers: 'returning' } }), ctx)).toBe('customer_type');
    expect(ineligibility(make({ eligibility: { customers: 'new' } }), ctx)).toBeUndefined();
  });
});
