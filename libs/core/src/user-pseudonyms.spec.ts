import { createHmac } from 'node:crypto';
import { UserPseudonyms } from './user-pseudonyms';

const KEY = 'k'.repeat(32);
const OTHER = 'o'.repeat(40);

describe('UserPseudonyms', () => {
  it('gives the documented HMAC-SHA256 pseudonym, the same every time, with the key version in front', () => {
    const p = UserPseudonyms.keyed(KEY);
    const expected = `p1_${createHmac('sha256', KEY).update('u-1', 'utf8').digest('base64url').slice(0, 22)}`;
    expect(p.of('u-1')).toBe(expected);
    expect(p.of('u-1')).toBe(expected);
    expect(p.of('u-1')).toMatch(/^p1_[A-Za-z0-9_-]{22}$/);
    expect(p.of('u-2')).not.toBe(expected);
    expect(UserPseudonyms.keyed(OTHER, 2).of('u-1')).toMatch(/^p2_/);
    expect(UserPseudonyms.keyed(OTHER).of('u-1')).not.toBe(expected);
  });

  it('names both pseudonyms of an id while a key rotation completes', () => {
    const rotating = UserPseudonyms.keyed(OTHER, 2, KEY);
    expect(rotating.all('u-1')).toEqual([
      UserPseudonyms.keyed(OTHER, 2).of('u-1'),
      UserPseudonyms.keyed(KEY).of('u-1'),
    ]);
    expect(UserPseudonyms.keyed(KEY).all('u-1')).toEqual([UserPseudonyms.keyed(KEY).of('u-1')]);
  });

  it('replaces every id that names a person in an event, and leaves the input and other fields alone', () => {
    const p = UserPseudonyms.keyed(KEY);
    const e = {
      userId: 'u-1',
      anonymousId: 'dev-1',
      eventId: 'e-1',
      payload: { userId: 'u-1', anonymousIds: ['dev-1', 'dev-2'], itemId: 'sku-1' },
    };
    expect(p.event(e)).toEqual({
      userId: p.of('u-1'),
      anonymousId: p.of('dev-1'),
      eventId: 'e-1',
      payload: { userId: p.of('u-1'), anonymousIds: [p.of('dev-1'), p.of('dev-2')], itemId: 'sku-1' },
    });
    expect(e.userId).toBe('u-1');
    expect(e.payload.anonymousIds).toEqual(['dev-1', 'dev-2']);
    expect(p.event({ anonymousId: 'dev-1' })).toEqual({ anonymousId: p.of('dev-1') });
  });
});
