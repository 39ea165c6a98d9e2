import type { NlpSignalEvent, ReviewEvent } from '@offerstream/contracts';
import { serviceRecoveryFromSignal, serviceRecoveryTrigger } from './service-recovery.trigger';

const now = new Date('2026-03-01T12:00:00Z');
const review: ReviewEvent = {
  eventId: 'review-1',
  schemaVersion: '1.0',
  occurredAt: '2026-03-01T11:59:00Z',
  producer: 'shop',
  userId: 'u',
  type: 'review',
  payload: { itemId: 'sku-1', rating: 1, text: 'arrived broken' },
};
const signal = (over: Partial<NlpSignalEvent['payload']> = {}, userId: string | null = 'u'): NlpSignalEvent => ({
  eventId: 'nlp-1',
  schemaVersion: '1.3',
  occurredAt: '2026-03-01T11:59:01Z',
  producer: 'nlp-worker',
  ...(userId !== null ? { userId } : { anonymousId: 'anon' }),
  type: 'nlp_signal',
  payload: {
    sourceEventId: 'review-1',
    sourceType: 'review',
    itemId: 'sku-1',
    language: 'en',
    sentiment: { positive: 0.08, label: 'negative' },
    categories: [],
    flags: [],
    modelVersion: 'sentiment@1.0.0',
    ...over,
  },
});

describe('service recovery from the NLP worker’s signals', () => {
  it('apologises for a review judged negative, with the same trigger as the rating would give', () => {
    const fromText = serviceRecoveryFromSignal(signal(), now);
    expect(fromText).toMatchObject({ trigger: 'service_recovery', userId: 'u', exclude: ['sku-1'] });
    expect(fromText?.triggerId).toBe(serviceRecoveryTrigger(review, 'u', now)?.triggerId);
  });

  it('ignores searches, neutral or positive reviews and reviews of no item', () => {
    expect(serviceRecoveryFromSignal(signal({ sourceType: 'search' }), now)).toBeUndefined();
    expect(serviceRecoveryFromSignal(signal({ sentiment: { positive: 0.5, label: 'neutral' } }), now)).toBeUndefined();
    expect(serviceRecoveryFromSignal(signal({ sentiment: { positive: 0.9, label: 'positive' } }), now)).toBeUndefined();
    const { itemId: _itemId, ...noItem } = signal().payload;
    expect(serviceRecoveryFromSignal({ ...signal(), payload: noItem }, now)).toBeUndefined();
  });

  it('keys an anonymous reviewer on their anonymous id, as the rating path does', () => {
    expect(serviceRecoveryFromSignal(signal({}, null), now)?.userId).toBe('anon');
  });
});
