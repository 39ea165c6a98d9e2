import { campaign, campaignCreate } from './campaign.schema';
import { ineligibility } from './campaign-eligibility';
import { consentAllows, consentPurposeOf, personalizationAllowed } from './consent-gate';
import type { UserFeatures } from '../features/feature-source.port';

const now = new Date('2026-03-01T12:00:00Z');
const anyChannel = campaign.parse({
  ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1, count: 1 } }),
  version: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
});
const user = (policy: 'opt-in' | 'opt-out', granted: Record<string, boolean>): UserFeatures => ({
  userId: 'u',
  consent: { policy, granted },
});
const why = (channel: string, u: UserFeatures | undefined): string | undefined =>
  ineligibility(anyChannel, { trigger: 'http_decision', channel, user: u, now });

describe('consent gate in campaign eligibility', () => {
  it('maps e-mail, push and SMS to their marketing purpose and every on-page channel to personalization', () => {
    expect(consentPurposeOf('email')).toBe('marketing_email');
    expect(consentPurposeOf('push')).toBe('marketing_push');
    expect(consentPurposeOf('sms')).toBe('marketing_sms');
    expect(consentPurposeOf('site')).toBe('personalization');
    expect(consentPurposeOf('app')).toBe('personalization');
  });

  it('refuses an e-mail offer to a user who withdrew e-mail marketing, and still allows push', () => {
    const u = user('opt-out', { marketing_email: false });
    expect(why('email', u)).toBe('no_consent');
    expect(why('push', u)).toBeUndefined();
  });

  it('refuses a push offer after a push withdrawal and an on-site offer after a personalization withdrawal', () => {
    expect(why('push', user('opt-out', { marketing_push: false }))).toBe('no_consent');
    expect(why('site', user('opt-out', { personalization: false }))).toBe('no_consent');
    expect(why('app', user('opt-out', { personalization: false }))).toBe('no_consent');
    expect(why('email', user('opt-out', { personalization: false }))).toBeUndefined();
  });

  it('under opt-in refuses every channel the user never granted and allows the granted ones', () => {
    const u = user('opt-in', { marketing_email: true });
    expect(why('email', u)).toBeUndefined();
    expect(why('push', u)).toBe('no_consent');
    expect(why('sms', u)).toBe('no_consent');
    expect(why('site', u)).toBe('no_consent');
    expect(why('site', user('opt-in', { personalization: true }))).toBeUndefined();
  });

  it('under opt-out allows a user who stated nothing, and a source without consent views decides as before', () => {
    expect(why('email', user('opt-out', {}))).toBeUndefined();
    expect(why('email', undefined)).toBeUndefined();
    expect(consentAllows(undefined, 'marketing_sms')).toBe(true);
  });

  it('tells whether the profile may be used at all', () => {
    expect(personalizationAllowed(user('opt-out', { personalization: false }))).toBe(false);
    expect(personalizationAllowed(user('opt-in', {}))).toBe(false);
    expect(personalizationAllowed(user('opt-in', { personalization: true }))).toBe(true);
  });
});
