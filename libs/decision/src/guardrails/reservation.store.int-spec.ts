import { randomBytes } from 'node:crypto';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { isolatedRedis } from '@offerstream/testing';
import { campaign, campaignCreate, type Campaign } from '../campaign/campaign.schema';
import { CampaignStore } from '../campaign/campaign.store';
import { CartAbandonTrigger } from '../triggers/cart-abandon.trigger';
import { ReservationStore } from './reservation.store';

const isolated = isolatedRedis();
const client = (): RedisClient => isolated.client();

const make = (extra: Record<string, unknown>): Campaign =>
  campaign.parse({
    ...campaignCreate.parse({ id: `c${randomBytes(3).toString('hex')}`, name: 'c', ...extra }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });

describe('guardrails in real Redis with separate clients', () => {
  const clients: RedisClient[] = [];
  afterAll(() => isolated.close());
  const stores = (): [ReservationStore, ReservationStore] => {
    const a = client();
    const b = client();
    clients.push(a, b);
    const s = { triggerOnceTtlSeconds: 600, historyTtlMs: 3_600_000, releaseGraceMs: 0 };
    return [new ReservationStore(a, s), new ReservationStore(b, s)];
  };

  it('never lets two concurrent deciders overspend a budget in money or in count', async () => {
    const [a, b] = stores();
    const c = make({ budget: { spend: 100, count: 1_000 } });
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).reserveBudget(c, 3.33, `o${i}`, Date.now() + 60_000)),
    );
    expect(results.filter((r) => r === 'reserved')).toHaveLength(30);
    expect(await a.budgetUsed(c.id)).toEqual({ spend: 99.9, count: 30 });

    const counted = make({ budget: { spend: 1e6, count: 7 } });
    const byCount = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).reserveBudget(counted, 1, `o${i}`, Date.now() + 60_000)),
    );
    expect(byCount.filter((r) => r === 'reserved')).toHaveLength(7);
    expect(byCount.filter((r) => r === 'count_exhausted')).toHaveLength(93);
  });

  it('caps the offers made by the count limit even when dismissed offers give their spend back', async () => {
    const [a] = stores();
    const c = make({ budget: { spend: 1_000, count: 2 } });
    const later = Date.now() + 60_000;
    expect(await a.reserveBudget(c, 1, 'o1', later)).toBe('reserved');
    expect(await a.settleBudget(c.id, 'o1', 'dismiss', Date.now())).toBe('released');
    expect(await a.reserveBudget(c, 1, 'o2', later)).toBe('reserved');
    expect(await a.settleBudget(c.id, 'o2', 'dismiss', Date.now())).toBe('released');
    expect(await a.reserveBudget(c, 1, 'o3', later)).toBe('count_exhausted');
    expect((await a.ledger(c.id)).made).toBe(2);
  });

  it('releases an unused offer once, so its budget can be reserved again, and never pays for a redeem after release', async () => {
    const [a, b] = stores();
    const c = make({ budget: { spend: 10, count: 2 } });
    const later = Date.now() + 60_000;
    expect(await a.reserveBudget(c, 6, 'first', later)).toBe('reserved');
    expect(await b.reserveBudget(c, 6, 'second', later)).toBe('spend_exhausted');
    const settled = await Promise.all([a, b, a, b].map((s) => s.settleBudget(c.id, 'first', 'expire', Date.now())));
    expect(settled.filter((x) => x === 'released')).toHaveLength(1);
    expect(settled.filter((x) => x === 'already_settled')).toHaveLength(3);
    expect(await b.reserveBudget(c, 6, 'second', later)).toBe('reserved');
    expect(await a.settleBudget(c.id, 'first', 'redeem', Date.now())).toBe('redeemed_after_release');
    expect(await a.settleBudget(c.id, 'second', 'redeem', Date.now())).toBe('redeemed');
    expect(await a.settleBudget(c.id, 'second', 'dismiss', Date.now())).toBe('already_settled');
    expect(await a.settleBudget(c.id, 'never-offered', 'expire', Date.now())).toBe('unknown_offer');
    expect(await a.ledger(c.id)).toEqual({
      spend: 6,
      count: 1,
      made: 2,
      redeemedSpend: 6,
      redeemedCount: 1,
      releasedSpend: 6,
      releasedCount: 1,
      windowReleasedCount: 0,
      lateRedeemedSpend: 6,
      lateRedeemedCount: 1,
    });
  });

  it('releases reservations whose redemption window passed with no outcome, on whichever instance sweeps first', async () => {
    const [a, b] = stores();
    const c = make({ budget: { spend: 100, count: 100 } });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) expect(await a.reserveBudget(c, 2, `w${i}`, t0 + i * 1_000)).toBe('reserved');
    expect(await a.settleBudget(c.id, 'w0', 'redeem', t0)).toBe('redeemed');
    // Grace is 0 here: w1 and w2 are due at t0 + 2.5 s, w3 and w4 are not; the redeemed w0 is not released.
    const [x, y] = await Promise.all([a.releaseDue(c.id, t0 + 2_500), b.releaseDue(c.id, t0 + 2_500)]);
    expect(x + y).toBe(2);
    const ledger = await a.ledger(c.id);
    expect(ledger).toMatchObject({ spend: 6, count: 3, releasedCount: 2, windowReleasedCount: 2, redeemedCount: 1 });
    // An expire outcome arriving after the sweep released the offer changes nothing.
    expect(await a.settleBudget(c.id, 'w1', 'expire', t0 + 3_000)).toBe('already_settled');
    expect((await a.ledger(c.id)).releasedCount).toBe(2);
  });

  // Found by budget-ledger.property.int-spec.ts: Lua's -0 reached HINCRBY as "-0" and failed the scripts half-way.
  it('releases a free offer (a recommendation) by outcome and by window without a script error', async () => {
    const [a] = stores();
    const c = make({ budget: { spend: 10, count: 10 } });
    const t0 = Date.now();
    expect(await a.reserveBudget(c, 0, 'free-dismissed', t0 + 60_000)).toBe('reserved');
    expect(await a.reserveBudget(c, 0, 'free-unused', t0)).toBe('reserved');
    expect(await a.settleBudget(c.id, 'free-dismissed', 'dismiss', t0)).toBe('released');
    expect(await a.releaseDue(c.id, t0 + 1)).toBe(1);
    expect(await a.ledger(c.id)).toMatchObject({
      spend: 0,
      count: 0,
      made: 2,
      releasedCount: 2,
      windowReleasedCount: 1,
    });
  });

  // Found by budget-ledger.property.int-spec.ts: the outbox was scored by the decision's clock, which the sweeper
  // (comparing with Date.now()) would publish at once when in the past and never when in the future.
  it('orders the outbox by the wall clock even when the decision ran on another clock', async () => {
    const [a] = stores();
    const c = make({ budget: { spend: 10, count: 10 } });
    const simulated = Date.UTC(2031, 0, 1);
    const before = Date.now();
    const record = { json: '{}', ttlSeconds: 60 };
    expect(await a.reserveBudget(c, 1, 'sim', simulated + 60_000, record, simulated)).toBe('reserved');
    const score = Number(await clients[0]!.zscore(RedisKeys.campaign.budgetOutbox(c.id), 'sim'));
    expect(score).toBeGreaterThanOrEqual(before);
    expect(score).toBeLessThanOrEqual(Date.now());
  });

  it('applies a budget cut or a pause made through one instance to the next reservation of every other', async () => {
    const [a, b] = stores();
    const ra = client();
    clients.push(ra);
    const admin = new CampaignStore(ra);
    const created = await admin.create({
      id: `c${randomBytes(3).toString('hex')}`,
      name: 'live',
      budget: { spend: 100, count: 100 },
    });
    // Instance b keeps deciding with the definition it cached at creation; only Redis knows of the changes.
    const stale = created;
    const later = Date.now() + 60_000;
    expect(await b.reserveBudget(stale, 10, 'l1', later)).toBe('reserved');
    await admin.update(created.id, { budget: { spend: 15 } });
    expect(await b.reserveBudget(stale, 10, 'l2', later)).toBe('spend_exhausted');
    expect(await b.reserveBudget(stale, 5, 'l3', later)).toBe('reserved');
    await admin.update(created.id, { budget: { spend: 1_000, count: 2 } });
    expect(await b.reserveBudget(stale, 1, 'l4', later)).toBe('count_exhausted');
    await admin.update(created.id, { budget: { count: 100 } });
    await admin.setStatus(created.id, 'paused');
    expect(await a.reserveBudget(stale, 1, 'l5', later)).toBe('paused');
    expect(await b.reserveBudget(stale, 1, 'l6', later)).toBe('paused');
    await admin.setStatus(created.id, 'active');
    expect(await b.reserveBudget(stale, 1, 'l7', later)).toBe('reserved');
    await admin.update(created.id, { endsAt: new Date(Date.now() - 1_000).toISOString() });
    expect(await b.reserveBudget(stale, 1, 'l8', later)).toBe('ended');
    expect((await a.ledger(created.id)).made).toBe(3);
  });

  it('never lets an older definition overwrite the limits a newer one mirrored', async () => {
    const [a] = stores();
    const ra = client();
    clients.push(ra);
    const admin = new CampaignStore(ra);
    const v1 = await admin.create({
      id: `c${randomBytes(3).toString('hex')}`,
      name: 'v',
      budget: { spend: 100, count: 100 },
    });
    await admin.update(v1.id, { budget: { spend: 1 } });
    // A cache repairing the mirror from the definition it loaded before the update.
    await admin.mirrorLimits(v1);
    expect(await a.reserveBudget(v1, 5, 'm1', Date.now() + 60_000)).toBe('spend_exhausted');
  });

  it('claims a trigger once however many deciders race for it', async () => {
    const [a, b] = stores();
    const c = make({ budget: { spend: 1, count: 1 }, caps: { perUser: 100, cooldownMinutes: 0 } });
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).claimUser({
          userId: 'u1',
          triggerId: 'same',
          mode: 'offer',
          campaign: c,
          offerId: `o${i}`,
          nowMs: 1_000,
        }),
      ),
    );
    expect(claims.filter((x) => x.status === 'ok')).toHaveLength(1);
    expect(claims.filter((x) => x.status === 'duplicate')).toHaveLength(19);
  });

  it('holds the per-user cap within its window and the cooldown across campaigns', async () => {
    const [a] = stores();
    const capped = make({ budget: { spend: 1, count: 1 }, caps: { perUser: 2, windowHours: 1, cooldownMinutes: 0 } });
    const claim = (c: Campaign, t: string, nowMs: number) =>
      a.claimUser({ userId: 'u2', triggerId: t, mode: 'offer', campaign: c, offerId: t, nowMs });
    const t0 = Date.now();
    expect((await claim(capped, 't1', t0)).status).toBe('ok');
    expect((await claim(capped, 't2', t0 + 1)).status).toBe('ok');
    expect((await claim(capped, 't3', t0 + 2)).status).toBe('cap');
    expect((await claim(capped, 't4', t0 + 3_600_001)).status).toBe('ok');

    const cool = make({ budget: { spend: 1, count: 1 }, caps: { perUser: 100, cooldownMinutes: 10 } });
    expect((await claim(cool, 't5', t0 + 3_600_002)).status).toBe('cooldown');
    expect((await claim(cool, 't6', t0 + 3_600_001 + 600_000)).status).toBe('ok');
  });

  it('counts a redelivered cart event once and hands each due cart to exactly one claimer', async () => {
    const r1 = client();
    const r2 = client();
    clients.push(r1, r2);
    const one = new CartAbandonTrigger(r1, 1_000);
    const two = new CartAbandonTrigger(r2, 1_000);
    await one.add('cart-u', 'sku', 1, 10, 'ev-1', 0);
    await two.add('cart-u', 'sku', 1, 10, 'ev-1', 0);
    await one.add('cart-v', 'sku', 2, 10, 'ev-2', 0);
    expect(await one.claimDue(500, 10)).toEqual([]);
    const [x, y] = await Promise.all([one.claimDue(2_000, 10), two.claimDue(2_000, 10)]);
    const due = [...x, ...y];
    expect(due.map((d) => d.request.userId).sort()).toEqual(['cart-u', 'cart-v']);
    const u = due.find((d) => d.request.userId === 'cart-u')!;
    expect(u.request.cart).toEqual([{ itemId: 'sku', quantity: 1, price: 10 }]);
    expect(u.request.triggerId).toBe('cart_abandon:cart-u:ev-1');
    for (const d of due) await one.ack(d.request.userId, d.leaseScore);
    expect(await one.pending()).toBe(0);
  });
});
