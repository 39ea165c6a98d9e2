import { seededRandom } from '@offerstream/core';
import { RedisKeys } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { campaignCreate, type Campaign } from '../campaign/campaign.schema';
import type { JoinedDecision } from '../learning/decision-outcome.store';
import {
  OTHER_SEGMENT,
  PRIVATE_REPORT_SENSITIVITY,
  PrivacyBudgetExhaustedError,
  PrivateReports,
  segmentCells,
} from './private-report';

const isolated = isolatedRedis();
const campaign = (id: string): Campaign =>
  ({
    ...campaignCreate.parse({ id, name: id, budget: { spend: 1, count: 1 } }),
    version: 1,
    createdAt: '',
    updatedAt: '',
  }) as Campaign;

const joined = (userId: string, segment: string | undefined, decidedAt: number, reward: number): JoinedDecision => ({
  decisionId: `${userId}-${decidedAt}`,
  userId,
  campaignId: 'c1',
  action: 'none',
  propensity: 1,
  features: [],
  available: {},
  holdout: false,
  ...(segment === undefined ? {} : { segment }),
  decidedAt,
  reward,
  converted: reward > 0,
});

afterAll(() => isolated.close());

describe('private campaign reports', () => {
  it('count each user once, in the segment of their latest decision, over a fixed domain', () => {
    const cells = segmentCells(
      [
        joined('u1', 'vip', 1, 0),
        joined('u1', 'new', 2, 0),
        joined('u2', 'vip', 1, 5),
        joined('u3', undefined, 1, 0),
        joined('u4', 'unlisted', 1, 3),
        { ...joined('u5', 'vip', 1, 9), campaignId: 'c2' },
      ],
      'c1',
      ['vip', 'new', 'lapsed'],
    );
    expect(Object.fromEntries(cells)).toEqual({
      vip: { users: 1, conversions: 1 },
      new: { users: 1, conversions: 0 },
      lapsed: { users: 0, conversions: 0 },
      [OTHER_SEGMENT]: { users: 2, conversions: 1 },
    });
  });

  it('spend epsilon from the campaign budget in Redis and refuse what it cannot pay', async () => {
    const reports = new PrivateReports(isolated.client(), 1, seededRandom(1));
    const c = campaign('budgeted');
    const first = await reports.export(c, [], 0.4);
    expect(first.epsilonRemaining).toBeCloseTo(0.6, 6);
    expect(first.noiseScale).toBe(PRIVATE_REPORT_SENSITIVITY / 0.4);
    await reports.export(c, [], 0.4);
    await expect(reports.export(c, [], 0.4)).rejects.toThrow(PrivacyBudgetExhaustedError);
    const last = await reports.export(c, [], 0.2);
    expect(last.epsilonRemaining).toBeCloseTo(0, 6);
    expect(await isolated.redis.hgetall(RedisKeys.campaign.privacyBudget(c.id))).toEqual({
      spent: '1000000',
      exports: '3',
    });
  });

  it('never overspend the budget when exports race', async () => {
    const c = campaign('raced');
    const instances = [1, 2, 3, 4].map((s) => new PrivateReports(isolated.client(), 1, seededRandom(s)));
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => instances[i % 4]!.export(c, [], 0.1)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(30);
  });

  it('add noise of variance 2(Δ/ε)² to the true counts', async () => {
    const redis = isolated.client();
    const c = campaign('noisy');
    await redis.hset(RedisKeys.campaign.stats(c.id), 'members:T', 5_000, 'conversions:T', 400, 'members:H', 500);
    const epsilon = 0.5;
    const n = 2_000;
    // A budget large enough for n exports: what is measured is the noise of one export at this epsilon.
    const reports = new PrivateReports(redis, n * epsilon, seededRandom(7));
    const users: number[] = [];
    const conversions: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await reports.export(c, [], epsilon);
      users.push(r.groups.treated.users);
      conversions.push(r.groups.treated.conversions);
    }
    const b = PRIVATE_REPORT_SENSITIVITY / epsilon;
    for (const [xs, truth] of [
      [users, 5_000],
      [conversions, 400],
    ] as const) {
      const mean = xs.reduce((a, x) => a + x, 0) / n;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      // Rounding adds 1/12; the sample variance's relative standard error is √(5/n) = 5% here, so ±15% is 3 sigma.
      expect(variance / (2 * b * b + 1 / 12)).toBeGreaterThan(0.85);
      expect(variance / (2 * b * b + 1 / 12)).toBeLessThan(1.15);
      expect(Math.abs(mean - truth)).toBeLessThan((4 * b * Math.SQRT2) / Math.sqrt(n));
    }
  });

  it('refuse an epsilon that is not positive or exceeds the whole budget, spending nothing', async () => {
    const reports = new PrivateReports(isolated.client(), 1, seededRandom(1));
    const c = campaign('refused');
    await expect(reports.export(c, [], 0)).rejects.toThrow(/epsilon must be above 0/);
    await expect(reports.export(c, [], 2)).rejects.toThrow(/at most the report budget 1/);
    await expect(reports.export(c, [], 0.1, ['other'])).rejects.toThrow(/not a segment name/);
    expect(await isolated.redis.exists(RedisKeys.campaign.privacyBudget(c.id))).toBe(0);
  });
});
