import { isolatedRedis } from '@offerstream/testing';
import fc from 'fast-check';
import { fuzzParams, OfferStreamError } from '@offerstream/core';
import { RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { campaign, campaignCreate, type Campaign } from '../campaign/campaign.schema';
import { ReservationStore, type BudgetResult, type BudgetSettlement } from './reservation.store';

/**
 * The budget scripts (reserve-offer-7, settle-budget-3, release-due-budget-3, put-budget-limits-1) against a
 * TypeScript reference model of the ledger, over random sequences of reservations, outcomes, sweeps, limit changes
 * and clock moves, in real Redis. After every step Redis must hold exactly what the model holds, and the ledger must
 * balance: everything ever reserved is redeemed, released or still open, and what is held is within what was allowed.
 */

type Op =
  | { kind: 'reserve'; offer: number; cents: number; ttlMs: number; record: boolean }
  | { kind: 'settle'; offer: number; outcome: 'redeem' | 'dismiss' | 'expire' }
  | { kind: 'releaseDue' }
  | { kind: 'limits'; version: number; spendCents: number; count: number; paused: boolean; endsInMs: number }
  | { kind: 'clock'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      offer: fc.nat(11),
      cents: fc.nat(3_000),
      ttlMs: fc.nat(120_000),
      record: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      offer: fc.nat(11),
      outcome: fc.constantFrom('redeem' as const, 'dismiss' as const, 'expire' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'releaseDue' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('limits' as const),
      version: fc.integer({ min: 1, max: 6 }),
      spendCents: fc.nat(20_000),
      count: fc.nat(12),
      paused: fc.boolean(),
      endsInMs: fc.integer({ min: -60_000, max: 600_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: -1_000, max: 200_000 }) }),
  },
);

const scenario = fc.record({
  spendCents: fc.nat(20_000),
  count: fc.nat(12),
  graceMs: fc.constantFrom(0, 1_000, 60_000),
  retentionMs: fc.constantFrom(0, 5_000, 86_400_000),
  ops: fc.array(op, { minLength: 1, maxLength: 40 }),
});

/** What the ledger scripts keep for one campaign, kept the way the scripts document it. */
class LedgerModel {
  readonly budget = new Map<string, number>();
  readonly offers = new Map<string, { state: 'R' | 'D' | 'X' | 'L'; cents: number }>();
  readonly schedule = new Map<string, number>();
  readonly records = new Set<string>();
  readonly outbox = new Set<string>();
  limits: { version: number; spendCents: number; count: number; status: string; endsAtMs: number } | undefined;
  /** Everything ever reserved (cents), for the balance check. */
  reservedCents = 0;

  constructor(
    private readonly callerSpendCents: number,
    private readonly callerCount: number,
    private readonly graceMs: number,
    private readonly retentionMs: number,
  ) {}

  private add(field: string, n: number): void {
    this.budget.set(field, (this.budget.get(field) ?? 0) + n);
  }

  reserve(id: string, cents: number, expiresAtMs: number, record: boolean, now: number): BudgetResult | 'reused' {
    const l = this.limits;
    if (l && l.status !== 'active') return 'paused';
    if (l && l.endsAtMs > 0 && now >= l.endsAtMs) return 'ended';
    if ((this.budget.get('made') ?? 0) + 1 > (l?.count ?? this.callerCount)) return 'count_exhausted';
    if ((this.budget.get('spentCents') ?? 0) + cents > (l?.spendCents ?? this.callerSpendCents))
      return 'spend_exhausted';
    if (this.offers.has(id)) return 'reused';
    this.offers.set(id, { state: 'R', cents });
    this.reservedCents += cents;
    this.add('spentCents', cents);
    this.add('count', 1);
    this.add('made', 1);
    this.schedule.set(id, expiresAtMs + this.graceMs);
    if (record) {
      this.records.add(id);
      this.outbox.add(id);
    }
    return 'reserved';
  }

  settle(id: string, outcome: string, now: number): BudgetSettlement {
    const e = this.offers.get(id);
    if (!e) return 'unknown_offer';
    if (e.state === 'R' && outcome === 'redeem') {
      this.offers.set(id, { state: 'D', cents: e.cents });
      this.add('redeemedCents', e.cents);
      this.add('redeemedCount', 1);
      this.schedule.set(id, now + this.retentionMs);
      return 'redeemed';
    }
    if (e.state === 'R') {
      this.release(id, e.cents);
      this.schedule.set(id, now + this.retentionMs);
      return 'released';
    }
    if (e.state === 'X' && outcome === 'redeem') {
      this.offers.set(id, { state: 'L', cents: e.cents });
      this.add('lateRedeemedCents', e.cents);
      this.add('lateRedeemedCount', 1);
      return 'redeemed_after_release';
    }
    return 'already_settled';
  }

  /** Due entries, oldest first (ties by member, as a sorted set orders them), `max` per call until a call is short. */
  releaseDue(now: number, max: number): number {
    let released = 0;
    for (;;) {
      const due = [...this.schedule]
        .filter(([, at]) => at <= now)
        .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))
        .slice(0, max);
      for (const [id] of due) {
        const e = this.offers.get(id);
        if (e?.state === 'R') {
          this.release(id, e.cents);
          this.add('windowReleasedCount', 1);
          this.schedule.set(id, now + this.retentionMs);
          released++;
        } else {
          this.offers.delete(id);
          this.schedule.delete(id);
        }
      }
      if (due.length < max) return released;
    }
  }

  putLimits(l: NonNullable<LedgerModel['limits']>): void {
    if ((this.limits?.version ?? 0) < l.version) this.limits = l;
  }

  private release(id: string, cents: number): void {
    this.offers.set(id, { state: 'X', cents });
    this.add('spentCents', -cents);
    this.add('count', -1);
    this.add('releasedCents', cents);
    this.add('releasedCount', 1);
  }
}

/** The store throws OFFER_ID_REUSED for the script's -2; the model calls it `reused`. */
function reusedOrThrow(e: unknown): 'reused' {
  if (e instanceof OfferStreamError && e.code === 'OFFER_ID_REUSED') return 'reused';
  throw e;
}

describe('budget ledger scripts against a reference model', () => {
  let redis: RedisClient;
  let closeRedis: () => Promise<void>;
  let runs = 0;
  beforeAll(() => {
    ({ redis, close: closeRedis } = isolatedRedis());
  });
  afterAll(() => closeRedis());

  async function expectSame(c: Campaign, model: LedgerModel, wallFrom: number, wallTo: number): Promise<void> {
    const budget = await redis.hgetall(RedisKeys.campaign.budget(c.id));
    const nonZero = (m: Map<string, number>): Record<string, number> =>
      Object.fromEntries([...m].filter(([, v]) => v !== 0));
    expect(nonZero(new Map(Object.entries(budget).map(([k, v]) => [k, Number(v)])))).toEqual(nonZero(model.budget));
    const offers = await redis.hgetall(RedisKeys.campaign.budgetOffers(c.id));
    expect(offers).toEqual(Object.fromEntries([...model.offers].map(([id, e]) => [id, `${e.state}|${e.cents}`])));
    const schedule = await redis.zrange(RedisKeys.campaign.budgetReleaseAt(c.id), 0, -1, 'WITHSCORES');
    const scheduled = new Map<string, number>();
    for (let i = 0; i < schedule.length; i += 2) scheduled.set(schedule[i]!, Number(schedule[i + 1]));
    expect(scheduled).toEqual(model.schedule);
    const outbox = await redis.zrange(RedisKeys.campaign.budgetOutbox(c.id), 0, -1, 'WITHSCORES');
    const boxed = new Map<string, number>();
    for (let i = 0; i < outbox.length; i += 2) boxed.set(outbox[i]!, Number(outbox[i + 1]));
    expect([...boxed.keys()].sort()).toEqual([...model.outbox].sort());
    // The outbox is ordered by when the offer was recorded on the wall clock (the sweeper compares it with Date.now()),
    // whatever clock the decision itself ran on.
    for (const at of boxed.values()) {
      expect(at).toBeGreaterThanOrEqual(wallFrom);
      expect(at).toBeLessThanOrEqual(wallTo);
    }
    for (const id of model.offers.keys()) {
      expect(await redis.exists(RedisKeys.campaign.budgetOfferRecord(c.id, id))).toBe(model.records.has(id) ? 1 : 0);
    }
    // The ledger balances: reserved = redeemed + released + open, and what is held is what was reserved minus released.
    const n = (k: string): number => Number(budget[k] ?? 0);
    const open = [...model.offers.values()].filter((e) => e.state === 'R').reduce((s, e) => s + e.cents, 0);
    expect(n('redeemedCents') + n('releasedCents') + open).toBe(model.reservedCents);
    expect(n('spentCents')).toBe(model.reservedCents - n('releasedCents'));
    expect(n('count')).toBe(n('made') - n('releasedCount'));
  }

  it('keeps Redis equal to the model and the ledger balanced over random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const c = campaign.parse({
          ...campaignCreate.parse({
            id: `c${++runs}`,
            name: 'c',
            budget: { spend: s.spendCents / 100, count: s.count },
          }),
          version: 1,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        });
        const store = new ReservationStore(redis, {
          triggerOnceTtlSeconds: 3_600,
          historyTtlMs: 3_600_000,
          releaseGraceMs: s.graceMs,
          settledRetentionMs: s.retentionMs,
        });
        const model = new LedgerModel(s.spendCents, s.count, s.graceMs, s.retentionMs);
        // The decisions' clock is years away from the wall clock, as in a replay or a simulation.
        let now = Date.UTC(2031, 0, 1);
        const wallFrom = Date.now();
        for (const o of s.ops) {
          const id = `o${o.kind === 'reserve' || o.kind === 'settle' ? o.offer : 0}`;
          switch (o.kind) {
            case 'reserve': {
              const record = o.record ? { json: JSON.stringify({ offerId: id }), ttlSeconds: 3_600 } : undefined;
              const got = await store
                .reserveBudget(c, o.cents / 100, id, now + o.ttlMs, record, now)
                .catch(reusedOrThrow);
              expect(got).toBe(model.reserve(id, o.cents, now + o.ttlMs, o.record, now));
              break;
            }
            case 'settle':
              expect(await store.settleBudget(c.id, id, o.outcome, now)).toBe(model.settle(id, o.outcome, now));
              break;
            case 'releaseDue':
              expect(await store.releaseDue(c.id, now, 3)).toBe(model.releaseDue(now, 3));
              break;
            case 'limits': {
              const l = {
                version: o.version,
                spendCents: o.spendCents,
                count: o.count,
                status: o.paused ? 'paused' : 'active',
                endsAtMs: o.endsInMs < 0 ? 0 : now + o.endsInMs,
              };
              await runLua(
                redis,
                'putBudgetLimits',
                [RedisKeys.campaign.budgetLimits(c.id)],
                [l.version, l.spendCents, l.count, l.status, l.endsAtMs],
              );
              model.putLimits(l);
              break;
            }
            case 'clock':
              now += o.ms;
              break;
          }
          await expectSame(c, model, wallFrom, Date.now());
        }
      }),
      fuzzParams(60),
    );
  });
});
