import type { UserProfile } from '../feature-store.reader';
import { churnRisk, matchesConditions, ruleSegmentId, ruleSegmentInput, ruleSegmentsOf } from './rule-segment';
import { describeGroups, profileFacts } from './segment-description';

const DAY = 86_400_000;
const NOW = 400 * DAY;

function profile(over: Partial<UserProfile> = {}): UserProfile {
  return {
    userId: 'u',
    anonymous: false,
    updatedAt: NOW - 2 * DAY,
    firstSeenAt: NOW - 100 * DAY,
    eventCount: 40,
    categories: { shoes: 3, bags: 1, toys: -1 },
    brands: {},
    priceBands: { '25-50': 2, '50-100': 0.5 },
    priceItems: [0, 0, 2, 1, 0, 0, 0],
    vector: null,
    recentItems: [],
    session: { id: 's', items: [], cart: [], lastActivityAt: NOW - 2 * DAY },
    rfm: { recencyDays: 10, frequency: 5, monetary: 300 },
    purchased: new Set(),
    seen: new Set(),
    segment: 'c2',
    segments: ['c2'],
    consent: { marketing_email: { granted: true, at: 1, source: 'banner' } },
    ...over,
  };
}

describe('rule segments', () => {
  it('matches RFM bands, activity recency, category affinity, price band, consent and cluster together', () => {
    const conditions = ruleSegmentInput.parse({
      name: 'Loyal shoe buyers',
      conditions: {
        recencyDays: { max: 30 },
        frequency: { min: 3 },
        monetary: { min: 100, max: 1000 },
        lastSeenDays: { max: 7 },
        categoryAffinity: { categories: ['shoes'], minShare: 0.7 },
        priceBands: ['25-50'],
        consent: ['marketing_email'],
        clusters: ['c2'],
        anonymous: false,
      },
    }).conditions;
    expect(matchesConditions(profile(), conditions, NOW)).toBe(true);
    expect(matchesConditions(profile({ rfm: { recencyDays: 45, frequency: 5, monetary: 300 } }), conditions, NOW)).toBe(
      false,
    );
    expect(matchesConditions(profile({ updatedAt: NOW - 8 * DAY }), conditions, NOW)).toBe(false);
    expect(matchesConditions(profile({ categories: { shoes: 1, bags: 1 } }), conditions, NOW)).toBe(false);
    expect(matchesConditions(profile({ priceBands: { '50-100': 3 } }), conditions, NOW)).toBe(false);
    expect(matchesConditions(profile({ consent: {} }), conditions, NOW)).toBe(false);
    expect(matchesConditions(profile({ segment: 'c5' }), conditions, NOW)).toBe(false);
    expect(matchesConditions(profile({ anonymous: true }), conditions, NOW)).toBe(false);
  });

  it('leaves users who never bought out of recency and churn conditions', () => {
    const never = profile({ rfm: { recencyDays: null, frequency: 0, monetary: 0 } });
    expect(matchesConditions(never, { recencyDays: { min: 0 } }, NOW)).toBe(false);
    expect(matchesConditions(never, { churnRisk: { min: 0 } }, NOW)).toBe(false);
    expect(matchesConditions(never, { frequency: { max: 0 } }, NOW)).toBe(true);
  });

  it('predicts churn from the time since the last purchase against the own purchase rate of the user', () => {
    // 5 purchases in 100 days: one every 20 days; 10 days without one is ordinary, 90 is not.
    expect(churnRisk(profile(), NOW)).toBeCloseTo(1 - Math.exp(-0.5), 6);
    const lapsed = profile({ rfm: { recencyDays: 90, frequency: 5, monetary: 300 } });
    expect(churnRisk(lapsed, NOW)).toBeGreaterThan(0.98);
    expect(matchesConditions(lapsed, { churnRisk: { min: 0.8 } }, NOW)).toBe(true);
    expect(matchesConditions(profile(), { churnRisk: { min: 0.8 } }, NOW)).toBe(false);
  });

  it('lists the ids of every rule segment a profile meets, in definition order', () => {
    const def = (id: string, conditions: object) => ({
      id,
      updatedAt: '',
      ...ruleSegmentInput.parse({ name: id, conditions }),
    });
    const defs = [
      def('big-spenders', { monetary: { min: 250 } }),
      def('new', { frequency: { max: 0 } }),
      def('emailable', { consent: ['marketing_email'] }),
    ];
    expect(ruleSegmentsOf(profile(), defs, NOW)).toEqual(['big-spenders', 'emailable']);
  });

  it('refuses definitions a marketer could get wrong, naming the field', () => {
    const bad = ruleSegmentInput.safeParse({
      name: 'x',
      conditions: { frequency: { min: 5, max: 2 }, consent: ['fax'] },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['conditions.frequency', 'conditions.consent.0']));
    expect(ruleSegmentInput.safeParse({ name: 'x', conditions: {} }).success).toBe(false);
    expect(ruleSegmentInput.safeParse({ name: 'x', conditions: { frequency: {} } }).success).toBe(false);
    expect(ruleSegmentInput.safeParse({ name: 'x', conditions: { frequncy: { min: 1 } } }).success).toBe(false);
    expect(ruleSegmentId.safeParse('c3').success).toBe(false);
    expect(ruleSegmentId.safeParse('Big Spenders').success).toBe(false);
    expect(ruleSegmentId.safeParse('big-spenders').success).toBe(true);
  });
});

describe('cluster descriptions', () => {
  it('names the features a group differs most on, as z-scores against the sample', () => {
    const buyers = Array.from({ length: 20 }, () => profile());
    const browsers = Array.from({ length: 20 }, () =>
      profile({
        categories: { toys: 2 },
        rfm: { recencyDays: null, frequency: 0, monetary: 0 },
        priceBands: { '0-10': 1 },
      }),
    );
    const facts = [...buyers, ...browsers].map((p) => profileFacts(p, NOW));
    const [first, second] = describeGroups(facts, (i) => (i < 20 ? 0 : 1), 2, { top: 20 });
    // Two equal halves that differ completely on a feature sit one standard deviation either side of the mean.
    expect(first?.find((f) => f.feature === 'boughtBefore')).toEqual({
      feature: 'boughtBefore',
      z: 1,
      mean: 1,
      population: 0.5,
    });
    // Features every user shares (events, activity) tell the groups apart by nothing and are left out.
    expect(first?.map((f) => f.feature)).not.toContain('events');
    expect(second?.find((f) => f.feature === 'category:toys')).toEqual({
      feature: 'category:toys',
      z: 1,
      mean: 1,
      population: 0.5,
    });
  });
});
