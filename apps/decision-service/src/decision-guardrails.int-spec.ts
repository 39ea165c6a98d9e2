import { randomUUID } from 'node:crypto';
import { TOPICS } from '@offerstream/contracts';
import { KAFKA_BROKERS, kcatProduce, testEvent, waitFor } from '@offerstream/testing';
import { type DecisionBody } from './decision-service.test-fixture';
import { REDIS_MODES, twoInstances } from './two-instances.test-fixture';

/**
 * The guardrails two instances must hold together, as two pods sharing Kafka and Redis: a budget is never overspent
 * and an expired offer's reservation is released once, caps and cooldowns hold per user, and a redelivered trigger
 * gets no second offer.
 */
describe.each(REDIS_MODES)(
  'decision-service budgets, caps, cooldowns and trigger-once against real Kafka and $redis, two instances',
  ({ cluster }) => {
    const suite = twoInstances(cluster);
    const { url, decide, campaign, offersOnTopic } = suite;

    it('never overspends a budget when both instances decide concurrently', async () => {
      const id = await campaign('budget', { budget: { spend: 100, count: 10_000 } });
      const results = await Promise.all(
        Array.from({ length: 240 }, (_, i) => decide({ userId: `budget-user-${i}`, channel: 'budget' }, i)),
      );
      const offers = results.filter((d) => d.kind === 'offer').map((d) => d.offer!);
      const spent = offers.reduce((s, o) => s + Number(o.reasonCodes.find((c) => c.startsWith('cost:'))!.slice(5)), 0);
      expect(offers.length).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(100);
      expect(results.some((d) => d.reason === 'budget_spend_exhausted')).toBe(true);
      const report = (await (await fetch(url(`/campaigns/${id}/report`))).json()) as {
        budget: { reservedSpend: number; offers: number };
      };
      expect(report.budget.reservedSpend).toBeLessThanOrEqual(100);
      expect(report.budget.offers).toBe(offers.length);
    });

    it('gives the budget of an expired offer back once, so a new offer can spend it', async () => {
      // One coupon of 20 is the whole spend budget. Coupon arms no other test uses: the expire outcomes below teach
      // the shared bandit that this arm does not convert, which must not change what other tests' campaigns offer.
      const coupon = (amount: number) => ({
        percentDiscounts: [],
        fixedCoupons: [amount],
        freeShipping: false,
        bundle: false,
        recommendation: false,
      });
      const id = await campaign('release', { budget: { spend: 20, count: 10 }, offerTypes: coupon(20) });
      type Report = {
        budget: {
          reservedSpend: number;
          offers: number;
          releasedSpend: number;
          releasedOffers: number;
          lateRedeemedOffers: number;
        };
      };
      const report = async (): Promise<Report> =>
        (await (await fetch(url(`/campaigns/${id}/report`))).json()) as Report;
      const first = await decide({ userId: 'release-1', channel: 'release' }, 0);
      expect(first.kind).toBe('offer');
      const refused = await decide({ userId: 'release-2', channel: 'release' }, 1);
      expect(refused.reason).toBe('budget_spend_exhausted');

      const expire = {
        key: 'release-1',
        value: JSON.stringify(
          testEvent('offer_outcome', 'release-1', { offerId: first.offer!.offerId, outcome: 'expire' }),
        ),
      };
      // The same outcome redelivered, and sent again as a new event: released once all the same.
      await kcatProduce(KAFKA_BROKERS, suite.ctx.topicPrefix + TOPICS.offerOutcomes.name, [
        expire,
        expire,
        { ...expire, value: expire.value.replace(/"eventId":"[^"]+"/, `"eventId":"${randomUUID()}"`) },
      ]);
      const released = await waitFor(async () => {
        const r = await report();
        return r.budget.releasedOffers >= 1 ? r : undefined;
      });
      expect(released.budget).toMatchObject({ reservedSpend: 0, offers: 0, releasedSpend: 20, releasedOffers: 1 });

      // A fresh arm for the new offer, for the same reason (19 also shows the new reservation's own cost is held).
      const patched = await fetch(url(`/campaigns/${id}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offerTypes: coupon(19) }),
      });
      expect(patched.status).toBe(200);
      // Instance 1 must have polled the patched campaign (every 200 ms; slower on a loaded CI machine, where 700 ms was
      // not always enough): the version it decided with is in the reason codes.
      await new Promise((r) => setTimeout(r, 2_000));
      const again = await decide({ userId: 'release-3', channel: 'release' }, 1);
      expect({
        kind: again.kind,
        reason: again.reason,
        codes: again.reasonCodes.filter((c) => c.startsWith('campaign:')),
      }).toEqual({ kind: 'offer', reason: 'offer', codes: [`campaign:${id}@v2`] });
      // A redeem of the released offer arrives late: counted apart, never charged over the limit.
      await kcatProduce(KAFKA_BROKERS, suite.ctx.topicPrefix + TOPICS.offerOutcomes.name, [
        expire,
        {
          key: 'release-1',
          value: JSON.stringify(
            testEvent('offer_outcome', 'release-1', {
              offerId: first.offer!.offerId,
              outcome: 'redeem',
              discountCost: 20,
            }),
          ),
        },
      ]);
      const late = await waitFor(async () => {
        const r = await report();
        return r.budget.lateRedeemedOffers === 1 ? r : undefined;
      });
      expect(late.budget).toMatchObject({ reservedSpend: 19, offers: 1, releasedSpend: 20, releasedOffers: 1 });
    });

    it('holds per-user caps and cooldowns, and applies campaign edits without a restart', async () => {
      const id = await campaign('caps', { caps: { perUser: 2, windowHours: 24, cooldownMinutes: 0 } });
      const capped: DecisionBody[] = [];
      for (let i = 0; i < 6; i++) capped.push(await decide({ userId: 'cap-user', channel: 'caps' }, i));
      expect(capped.filter((d) => d.kind === 'offer')).toHaveLength(2);
      expect(capped.some((d) => d.reason === 'cap')).toBe(true);

      const patched = await fetch(url(`/campaigns/${id}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ caps: { perUser: 100, cooldownMinutes: 60 } }),
      });
      expect(patched.status).toBe(200);
      await new Promise((r) => setTimeout(r, 700));
      const cooled: DecisionBody[] = [];
      for (let i = 0; i < 6; i++) cooled.push(await decide({ userId: 'cool-user', channel: 'caps' }, i));
      expect(cooled.filter((d) => d.kind === 'offer')).toHaveLength(1);
      expect(cooled.filter((d) => d.reason === 'cooldown')).toHaveLength(5);
    });

    it('makes no second offer for a redelivered trigger, over HTTP and over Kafka', async () => {
      await campaign('once', {});
      const first = await decide({ userId: 'once-user', channel: 'once', requestId: 'req-1' }, 0);
      const again = await decide({ userId: 'once-user', channel: 'once', requestId: 'req-1' }, 1);
      expect(first.kind).not.toBe('duplicate');
      expect(again.kind).toBe('duplicate');

      const event = testEvent(
        'offer_request',
        'once-kafka',
        { userId: 'once-kafka', placement: 'home', context: { channel: 'once', itemId: 'sku-9' } },
        { eventId: 'dup-event-1' },
      );
      const line = { key: 'once-kafka', value: JSON.stringify(event) };
      await kcatProduce(KAFKA_BROKERS, suite.ctx.topicPrefix + TOPICS.offerRequests.name, [line, line, line]);
      // The once-marker holds the offer id, or what was decided instead (none, holdout, cap, ...).
      const marker = await waitFor(
        async () => (await suite.ctx.redis.get('d:{once-kafka}:once:offer_request:dup-event-1')) ?? undefined,
      );
      const expected = /^[0-9a-f-]{36}$/.test(marker) ? 1 : 0;
      const offers = await waitFor(async () => {
        const found = (await offersOnTopic()).filter((o) => o.triggerId === 'offer_request:dup-event-1');
        return found.length >= expected ? found : undefined;
      });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await offersOnTopic()).filter((o) => o.triggerId === 'offer_request:dup-event-1')).toHaveLength(expected);
      if (expected === 1) expect(offers[0]!.offerId).toBe(marker);
    });
  },
);
