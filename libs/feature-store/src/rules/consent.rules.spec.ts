import type { ConsentEvent } from '@offerstream/contracts';
import { decodeUserState, emptyUserState, encodeUserState } from '../codec/user-state.codec';
import { defaultFeatureStoreConfig } from '../feature-store.config';
import { applyUserEvent, mergeUserStates } from './user-profile.rules';

const cfg = defaultFeatureStoreConfig();
const bands = cfg.priceBands.length + 1;
const consent = (
  at: string,
  choices: ConsentEvent['payload']['choices'],
  source = 'account_settings',
  userId = 'u',
): ConsentEvent => ({
  eventId: `e-${at}`,
  schemaVersion: '1.2',
  occurredAt: at,
  producer: 'shop',
  userId,
  type: 'consent',
  payload: { choices, source },
});
const apply = (s: ReturnType<typeof emptyUserState>, e: ConsentEvent, offset: number): void => {
  const r = applyUserEvent(s, e, 0, offset, () => undefined, cfg);
  expect(r).toEqual({ ok: true, touches: [] });
};

describe('consent kept in the user state', () => {
  it('records each purpose with its time and source, without counting it as activity', () => {
    const s = emptyUserState(bands, false);
    apply(
      s,
      consent('2026-11-01T10:00:00Z', [
        { purpose: 'marketing_email', status: 'granted' },
        { purpose: 'personalization', status: 'withdrawn' },
      ]),
      1,
    );
    expect(s.consent.get('marketing_email')).toEqual({
      granted: true,
      at: Date.parse('2026-11-01T10:00:00Z'),
      source: 'account_settings',
    });
    expect(s.consent.get('personalization')?.granted).toBe(false);
    expect(s.eventCount).toBe(0);
    expect(s.watermarks.get(0)).toBe(1);
  });

  it('keeps the newest choice per purpose even when an older one arrives later', () => {
    const s = emptyUserState(bands, false);
    apply(s, consent('2026-11-02T10:00:00Z', [{ purpose: 'marketing_push', status: 'withdrawn' }], 'unsubscribe'), 1);
    apply(s, consent('2026-11-01T10:00:00Z', [{ purpose: 'marketing_push', status: 'granted' }], 'banner'), 2);
    expect(s.consent.get('marketing_push')).toMatchObject({ granted: false, source: 'unsubscribe' });
    apply(s, consent('2026-11-03T10:00:00Z', [{ purpose: 'marketing_push', status: 'granted' }], 'app'), 3);
    expect(s.consent.get('marketing_push')).toMatchObject({ granted: true, source: 'app' });
  });

  it('lets a withdrawal win over a grant stamped with the same time', () => {
    const s = emptyUserState(bands, false);
    apply(s, consent('2026-11-01T10:00:00Z', [{ purpose: 'marketing_sms', status: 'withdrawn' }]), 1);
    apply(s, consent('2026-11-01T10:00:00Z', [{ purpose: 'marketing_sms', status: 'granted' }]), 2);
    expect(s.consent.get('marketing_sms')?.granted).toBe(false);
  });

  it('carries an anonymous visitor choices into the account unless the account has newer ones', () => {
    const anon = emptyUserState(bands, true);
    apply(
      anon,
      consent('2026-11-01T10:00:00Z', [
        { purpose: 'personalization', status: 'withdrawn' },
        { purpose: 'marketing_email', status: 'granted' },
      ]),
      1,
    );
    const account = emptyUserState(bands, false);
    apply(account, consent('2026-11-05T10:00:00Z', [{ purpose: 'marketing_email', status: 'withdrawn' }]), 2);
    mergeUserStates(account, anon, 'anon-1', cfg);
    expect(account.consent.get('personalization')?.granted).toBe(false);
    expect(account.consent.get('marketing_email')?.granted).toBe(false);
  });

  it('survives the binary codec, and a blob written before consent or price items existed decodes with none', () => {
    const s = emptyUserState(bands, false);
    apply(s, consent('2026-11-01T10:00:00Z', [{ purpose: 'personalization', status: 'withdrawn' }], 'banner'), 7);
    const back = decodeUserState(encodeUserState(s));
    expect([...back.consent]).toEqual([
      ['personalization', { granted: false, at: Date.parse('2026-11-01T10:00:00Z'), source: 'banner' }],
    ]);

    const v3 = encodeUserState(emptyUserState(bands, false));
    // Format 3 ends with the price items (a count byte and one float16 per band); format 2 is format 3 without them,
    // format 1 format 2 without the trailing consent count (0 records: one byte).
    const items = 1 + 2 * bands;
    const v2 = Buffer.from(v3.subarray(0, v3.length - items));
    v2.writeUInt8(2, 4);
    expect(decodeUserState(v2).priceItems).toEqual(new Array<number>(bands).fill(0));
    const v1 = Buffer.from(v3.subarray(0, v3.length - items - 1));
    v1.writeUInt8(1, 4);
    const old = decodeUserState(v1);
    expect(old.consent.size).toBe(0);
    expect(old.priceItems).toEqual(new Array<number>(bands).fill(0));
  });
});
