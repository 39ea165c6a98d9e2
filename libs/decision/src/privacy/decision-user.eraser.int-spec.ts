import type { DecisionRecord } from '@offerstream/contracts';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { campaign, campaignCreate } from '../campaign/campaign.schema';
import { ReservationStore } from '../guardrails/reservation.store';
import { DecisionUserEraser } from './decision-user.eraser';

/** What a claim leaves in the user's slot while Kafka has not yet acknowledged its decision record. */
describe("erasing a user's decision state in real Redis", () => {
  let redis: RedisClient;
  let close: () => Promise<void>;
  beforeAll(() => {
    ({ redis, close } = isolatedRedis());
  });
  afterAll(() => close());

  const c = campaign.parse({
    ...campaignCreate.parse({ id: 'erase', name: 'e', budget: { spend: 10, count: 10 } }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });
  const record = (userId: string): DecisionRecord => ({
    decisionId: '0b4c1f7e-9d2a-4c55-8a1e-3f6b2d9e7c10',
    trigger: { kind: 'http_decision', id: 't-1' },
    userId,
    channel: 'site',
    campaignId: c.id,
    kind: 'holdout',
    reason: 'holdout',
    action: 'none',
    probability: 1,
    candidates: [],
    reasonCodes: [],
    modelVersions: {},
    decidedAt: '2026-12-03T00:00:00.000Z',
  });

  it('removes the unpublished decision records stored with its claims, and keeps other users', async () => {
    const store = new ReservationStore(redis, { triggerOnceTtlSeconds: 600, historyTtlMs: 3_600_000 });
    for (const userId of ['victim', 'keeper'])
      for (const triggerId of ['t-1', 't-2'])
        await store.claimUser({
          userId,
          triggerId,
          mode: 'holdout',
          campaign: c,
          offerId: '',
          nowMs: Date.now(),
          record: record(userId),
        });
    const keys = (userId: string): string[] =>
      ['t-1', 't-2'].flatMap((t) => [
        RedisKeys.decision.userTriggerOnce(userId, t),
        RedisKeys.decision.userTriggerRecord(userId, t),
      ]);
    expect(await redis.exists(...keys('victim'))).toBe(4);

    await new DecisionUserEraser(redis).eraseUser('victim');

    expect(await redis.exists(...keys('victim'))).toBe(0);
    expect(await redis.exists(...keys('keeper'))).toBe(4);
  });
});
