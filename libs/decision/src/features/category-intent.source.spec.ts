import { CategoryIntentSource } from './category-intent.source';
import { InMemoryFeatureSource } from './in-memory-feature.source';
import type { UserCategoryIntent } from './user-category-intent';

const intentOf = (scores: Record<string, number>): UserCategoryIntent =>
  ({ scores: async () => scores }) as unknown as UserCategoryIntent;

describe('the user features with intent in the shop’s categories', () => {
  it('adds shop category intent beside the corpus-labelled intent, the stronger winning where both name one', async () => {
    const inner = new InMemoryFeatureSource();
    inner.users.set('u', { userId: 'u', intent: { 手机: 0.9, 'k-1': 0.2 } });
    const user = await new CategoryIntentSource(inner, intentOf({ 'k-1': 0.5, 'k-2': 1 })).user('u');
    expect(user?.intent).toEqual({ 手机: 0.9, 'k-1': 0.5, 'k-2': 1 });
  });

  it('gives an unknown user the intent alone, and leaves a user without intent as the inner source has them', async () => {
    const inner = new InMemoryFeatureSource();
    expect(await new CategoryIntentSource(inner, intentOf({ 'k-2': 0.5 })).user('new')).toEqual({
      userId: 'new',
      intent: { 'k-2': 0.5 },
    });
    expect(await new CategoryIntentSource(inner, intentOf({})).user('new')).toBeUndefined();
  });

  it('decides without intent for a user who refused personalization', async () => {
    const inner = new InMemoryFeatureSource();
    const refused = { userId: 'u', consent: { policy: 'opt-out' as const, granted: { personalization: false } } };
    inner.users.set('u', refused);
    expect(await new CategoryIntentSource(inner, intentOf({ 'k-2': 1 })).user('u')).toEqual(refused);
  });
});
