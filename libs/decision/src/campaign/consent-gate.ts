import type { ConsentPurpose } from '@offerstream/contracts';
import type { UserFeatures } from '../features/feature-source.port';

/** What the shop must hold before it markets on a channel; anything shown on a page needs personalization. */
export function consentPurposeOf(channel: string): ConsentPurpose {
  switch (channel) {
    case 'email':
      return 'marketing_email';
    case 'push':
      return 'marketing_push';
    case 'sms':
      return 'marketing_sms';
    default:
      return 'personalization';
  }
}

/**
 * Whether the user's consent allows a purpose. Under opt-in a purpose never granted is refused; under opt-out only
 * a withdrawal refuses. Without a consent view (a feature source that carries none) the user has stated nothing, and
 * the view's policy is unknown: opt-out applies, because the feature store returns a view for every user under
 * opt-in, including users it has never seen.
 */
export function consentAllows(user: UserFeatures | undefined, purpose: ConsentPurpose): boolean {
  const c = user?.consent;
  if (!c) return true;
  const granted = c.granted[purpose];
  return c.policy === 'opt-in' ? granted === true : granted !== false;
}

/** Users who refused personalization get non-personalized defaults: no profile features, popular items. */
export const personalizationAllowed = (user: UserFeatures | undefined): boolean =>
  consentAllows(user, 'personalization');
