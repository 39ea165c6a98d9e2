import type { DecisionRecord } from '@offerstream/contracts';
import { isolatedRedis } from '@offerstream/testing';
import fc from 'fast-check';
import { fuzzParams } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { campaign, campaignCreate, type Campaign } from '../campaign/campaign.schema';
import { ReservationStore, type UserClaim } from './reservation.store';

/**
 * The user-slot scripts (reserve-user-4: trigger-once marker, the decision record kept with it, per-campaign cap,
 * cross-campaign cooldown, assignment; release-user-2: the compensation when the budget refuses) and the records'
 * removal once published, against a TypeScript reference model, over random sequences of claims, compensations,
 * removals and clock moves (backwards too: instances' clocks differ), in real Redis.
 */

type Mode = 'offer' | 'holdout' | 'none';
type Op =
  | { kind: 'claim'; user: number; trigger: number; mode: Mode; campaign: number; offer: number; record: boolean }
  | { kind: 'forget'; user: number; trigger: number }
  | { kind: 'release'; user: number; trigger: number; campaign: number; offer: number; reason: string }
  | { kind: 'clock'; ms: number };

const MINUTE = 60_000;
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      user: fc.nat(2),
      trigger: fc.nat(7),
      mode: fc.constantFrom<Mode>('offer', 'offer', 'offer', 'holdout', 'none'),
      campaign: fc.nat(2),
      offer: fc.nat(15),
      // A claim without a record is one made before records were stored with claims.
      record: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('forget' as const), user: fc.nat(2), trigger: fc.nat(7) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      user: fc.nat(2),
      trigger: fc.nat(7),
      campaign: fc.nat(2),
      offer: fc.nat(15),
      reason: fc.constantFrom('budget_spend_exhausted', 'budget_paused'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: -MINUTE, max: 40 * MINUTE }) }),
  },
);

const caps = fc.record({
  perUser: fc.integer({ min: 1, max: 3 }),
  windowHours: fc.constantFrom(0.001, 0.25, 1, 3),
  cooldownMinutes: fc.constantFrom(0, 0, 1, 10),
});
const scenario = fc.record({
  caps: fc.array(caps, { minLength: 3, maxLength: 3 }),
  historyTtlMs: fc.constantFrom(30 * MINUTE, 2 * 60 * MINUTE),
  ops: fc.array(op, { minLength: 1, maxLength: 40 }),
});

interface UserModel {
  markers: Map<string, string>;
  records: Map<string, DecisionRecord>;
  offers: Map<string, number>;
  campaigns: Map<string, string>;
}

/** reserve-user-4, release-user-2 and forgetRecords as their comments describe them. */
class ClaimsModel {
  readonly users = new Map<string, UserModel>();
  constructor(private readonly historyTtlMs: number) {}

  user(id: string): UserModel {
    const u = this.users.get(id) ?? { markers: new Map(), records: new Map(), offers: new Map(), campaigns: new Map() };
    this.users.set(id, u);
    return u;
  }

  claim(
    userId: string,
    trigger: string,
    mode: Mode,
    c: Campaign,
    offerId: string,
    now: number,
    record: DecisionRecord | undefined,
  ): UserClaim {
    const u = this.user(userId);
    const first = u.markers.get(trigger);
    if (first !== undefined) {
      const at = first.indexOf('@');
      const stored = u.records.get(trigger);
      const kept = stored ? { record: stored } : {};
      return at < 0
        ? { status: 'duplicate', firstDecision: first, ...kept }
        : { status: 'duplicate', firstDecision: first.slice(0, at), firstCampaign: first.slice(at + 1), ...kept };
    }
    u.markers.set(trigger, mode === 'offer' ? `${offerId}@${c.id}` : mode);
    // Stored whatever the caps then say: a refusal's record is what the redelivery publishes.
    if (record) u.records.set(trigger, record);
    if (mode === 'offer') {
      for (const [m, at] of u.offers) if (at <= now - this.historyTtlMs) u.offers.delete(m);
      const cooldown = Math.round(c.caps.cooldownMinutes * MINUTE);
      // The most recent entry, as ZREVRANGE 0 0 gives it: highest score, then the greatest member.
      const last = [...u.offers].sort(([a, x], [b, y]) => y - x || (a < b ? 1 : -1))[0];
      if (cooldown > 0 && last && now - last[1] < cooldown) {
        u.markers.set(trigger, 'cooldown');
        return { status: 'cooldown', detail: last[0] };
      }
      const since = now - Math.round(c.caps.windowHours * 3_600_000);
      const n = [...u.offers].filter(([m, at]) => at >= since && m.startsWith(`${c.id}|`)).length;
      if (n >= c.caps.perUser) {
        u.markers.set(trigger, 'cap');
        return { status: 'cap', detail: String(n) };
      }
      u.offers.set(`${c.id}|${offerId}`, now);
    }
    u.campaigns.set(c.id, `${mode === 'holdout' ? 'H' : 'T'}|${now}`);
    return { status: 'ok' };
  }

  release(userId: string, trigger: string, member: string, reason: string): void {
    const u = this.user(userId);
    u.offers.delete(member);
    // SET ... KEEPTTL writes the reason whether or not a marker was there.
    u.markers.set(trigger, reason);
  }

  forget(userId: string, trigger: string): void {
    this.user(userId).records.delete(trigger);
  }
}

/** A decision record as far as the scripts care (stored and returned as JSON): distinct for every claim. */
const recordOf = (userId: string, triggerId: string, mode: Mode, campaignId: string, n: number): DecisionRecord => ({
  decisionId: `d${n}`,
  trigger: { kind: 'http_decision', id: triggerId },
  userId,
  channel: 'site',
  campaignId,
  kind: mode === 'holdout' ? 'holdout' : 'no_offer',
  reason: mode === 'none' ? 'policy_chose_no_offer' : mode === 'holdout' ? 'holdout' : 'guardrail_refused',
  action: 'none',
  probability: 1,
  candidates: [],
  reasonCodes: [`n:${n}`],
  modelVersions: {},
  decidedAt: '2031-01-01T00:00:00.000Z',
});

describe('user claim scripts against a reference model', () => {
  let redis: RedisClient;
  let closeRedis: () => Promise<void>;
  let runs = 0;
  beforeAll(() => {
    ({ redis, close: closeRedis } = isolatedRedis());
  });
  afterAll(() => closeRedis());

  async function expectSame(model: ClaimsModel, users: string[], triggers: string[]): Promise<void> {
    for (const userId of users) {
      const u = model.user(userId);
      // One round trip: a user's keys share the user's hash tag, so this works on a Cluster too.
      const markers = await redis.mget(...triggers.map((t) => RedisKeys.decision.userTriggerOnce(userId, t)));
      expect(markers).toEqual(triggers.map((t) => u.markers.get(t) ?? null));
      const records = await redis.mget(...triggers.map((t) => RedisKeys.decision.userTriggerRecord(userId, t)));
      expect(records.map((r) => (r === null ? null : (JSON.parse(r) as DecisionRecord)))).toEqual(
        triggers.map((t) => u.records.get(t) ?? null),
      );
      const zset = await redis.zrange(RedisKeys.user.offers(userId), 0, -1, 'WITHSCORES');
      const offers = new Map<string, number>();
      for (let i = 0; i < zset.length; i += 2) offers.set(zset[i]!, Number(zset[i + 1]));
      expect(offers).toEqual(u.offers);
      expect(new Map(Object.entries(await redis.hgetall(RedisKeys.decision.userCampaigns(userId))))).toEqual(
        u.campaigns,
      );
    }
  }

  it('keeps markers, stored records, caps, cooldowns and assignments equal to the model over random claim sequences', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const run = ++runs;
        const campaigns = s.caps.map((c, i) =>
          campaign.parse({
            ...campaignCreate.parse({ id: `c${i}`, name: 'c', budget: { spend: 1, count: 1 }, caps: c }),
            version: 1,
            createdAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
          }),
        );
        // Real TTLs (marker EX, history PEXPIRE) run on Redis's clock and stay far longer than a run.
        const store = new ReservationStore(redis, { triggerOnceTtlSeconds: 3_600, historyTtlMs: s.historyTtlMs });
        const model = new ClaimsModel(s.historyTtlMs);
        const users = [0, 1, 2].map((i) => `r${run}u${i}`);
        const triggers = Array.from({ length: 8 }, (_, i) => `t${i}`);
        let now = Date.UTC(2031, 0, 1);
        let claims = 0;
        for (const o of s.ops) {
          if (o.kind === 'clock') {
            // Nothing in Redis moves with the decisions' clock; the next claim sees the new time.
            now += o.ms;
            continue;
          } else if (o.kind === 'claim') {
            const c = campaigns[o.campaign]!;
            const args = { userId: users[o.user]!, triggerId: triggers[o.trigger]!, mode: o.mode, campaign: c };
            const offerId = o.mode === 'offer' ? `o${o.offer}` : '';
            const record = o.record ? recordOf(args.userId, args.triggerId, o.mode, c.id, ++claims) : undefined;
            expect(await store.claimUser({ ...args, offerId, nowMs: now, ...(record ? { record } : {}) })).toEqual(
              model.claim(args.userId, args.triggerId, o.mode, c, offerId, now, record),
            );
          } else if (o.kind === 'forget') {
            const [userId, triggerId] = [users[o.user]!, triggers[o.trigger]!];
            await store.forgetRecords([{ userId, triggerId }]);
            model.forget(userId, triggerId);
          } else {
            const [userId, trigger, c] = [users[o.user]!, triggers[o.trigger]!, campaigns[o.campaign]!];
            await store.releaseUser(userId, trigger, c.id, `o${o.offer}`, o.reason);
            model.release(userId, trigger, `${c.id}|o${o.offer}`, o.reason);
          }
          await expectSame(model, [users[o.user]!], triggers);
        }
        await expectSame(model, users, triggers);
      }),
      fuzzParams(60),
    );
  });
});
