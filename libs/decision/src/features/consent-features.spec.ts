import type { UserProfile } from '@offerstream/feature-store';
import { CandidateGenerator } from '../candidates/candidate-generator';
import { toUserFeatures } from './feature-store.adapter';
import { InMemoryCandidateSource, InMemoryFeatureSource } from './in-memory-feature.source';

const profile = (consent: UserProfile['consent']): UserProfile => ({
  userId: 'u',
  anonymous: false,
  updatedAt: 1,
  firstSeenAt: 1,
  eventCount: 3,
  categories: { shoes: 2 },
  brands: {},
  priceBands: { '25-50': 1 },
  priceItems: [0, 0, 1, 0, 0, 0, 0],
  vector: null,
  recentItems: ['i1'],
  session: { id: 's', items: ['i1'], cart: [], lastActivityAt: 1 },
  rfm: { recencyDays: 3, frequency: 2, monetary: 80 },
  purchased: new Set(['i0']),
  seen: new Set(['i1']),
  segment: 'c2',
  segments: ['c2', 'lapsed'],
  consent,
});

describe('user features under consent', () => {
  it('carries the consent choices with the profile features', () => {
    const f = toUserFeatures(profile({ marketing_email: { granted: true, at: 1, source: 'banner' } }));
    expect(f.consent).toEqual({ policy: 'opt-out', granted: { marketing_email: true } });
    expect(f.recentItems).toEqual(['i1']);
    expect(f.segment).toBe('c2');
    expect(f.segments).toEqual(['c2', 'lapsed']);
    expect(f.priceBandItems).toEqual([0, 0, 1, 0, 0, 0, 0]);
  });

  it('keeps nothing of the profile but consent for a user who refused personalization', () => {
    const f = toUserFeatures(profile({ personalization: { granted: false, at: 1, source: 'banner' } }));
    expect(f).toEqual({ userId: 'u', consent: { policy: 'opt-out', granted: { personalization: false } } });
  });

  it('keeps nothing of the profile under opt-in until personalization is granted', () => {
    expect(toUserFeatures(profile({}), 'opt-in')).toEqual({ userId: 'u', consent: { policy: 'opt-in', granted: {} } });
    const granted = toUserFeatures(profile({ personalization: { granted: true, at: 1, source: 'app' } }), 'opt-in');
    expect(granted.categoryAffinity).toEqual({ shoes: 1 });
  });

  it('asks no graph candidates for a user who is not personalized: popular items only', async () => {
    const fs = new InMemoryFeatureSource();
    fs.trendingItems = [{ itemId: 't1', score: 10 }];
    const gnn = new InMemoryCandidateSource();
    gnn.byUser.set('u', [{ itemId: 'g1', score: 3 }]);
    const set = await new CandidateGenerator(fs, gnn).generate({
      userId: 'u',
      seeds: [],
      exclude: new Set(),
      k: 5,
      personalized: false,
    });
    expect(set.candidates.map((c) => c.itemId)).toEqual(['t1']);
    expect(set.used.gnn).toBeUndefined();
  });
});
