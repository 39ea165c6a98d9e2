import { TOPICS } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import { KAFKA_BROKERS, kcatProduce, testEvent, waitFor } from '@offerstream/testing';
import { type DecisionBody } from './decision-service.test-fixture';
import { REDIS_MODES, twoInstances } from './two-instances.test-fixture';

/**
 * What two instances measure and learn together: the holdout share and the incrementality against it, and the
 * explanation and outcome of every offer.
 */
describe.each(REDIS_MODES)(
  'decision-service holdout and learning against real Kafka and $redis, two instances',
  ({ cluster }) => {
    const suite = twoInstances(cluster);
    const { url, decide, campaign } = suite;

    it('keeps the configured holdout share within tolerance and reports both groups', async () => {
      const id = await campaign('holdout', { holdoutShare: 0.2 });
      const n = 600;
      const results: DecisionBody[] = [];
      for (let i = 0; i < n; i += 50) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, j) => decide({ userId: `h-${i + j}`, channel: 'holdout' }, j)),
          )),
        );
      }
      const share = results.filter((d) => d.kind === 'holdout').length / n;
      expect(share).toBeGreaterThan(0.14);
      expect(share).toBeLessThan(0.26);
      const report = (await (await fetch(url(`/campaigns/${id}/report`))).json()) as {
        holdout: { customers: number };
        treated: { customers: number };
      };
      expect(report.holdout.customers).toBe(Math.round(share * n));
      expect(report.treated.customers).toBe(n - report.holdout.customers);

      // Purchases by assigned users (a redelivered order counted once) feed incrementality against the holdout.
      const users = results.map((d, i) => ({ user: `h-${i}`, held: d.kind === 'holdout' }));
      const buyers = [...users.filter((u) => !u.held).slice(0, 30), ...users.filter((u) => u.held).slice(0, 3)];
      const purchases = buyers.map((b) => ({
        key: b.user,
        value: JSON.stringify(
          testEvent('purchase', b.user, {
            orderId: `o-${b.user}`,
            lines: [{ itemId: 'sku-1', quantity: 1, unitPrice: 50 }],
            total: 50,
            currency: 'EUR',
          }),
        ),
      }));
      await kcatProduce(KAFKA_BROKERS, suite.ctx.topicPrefix + TOPICS.clickstream.name, [
        ...purchases,
        ...purchases.slice(0, 5),
      ]);
      const after = await waitFor(async () => {
        const r = (await (await fetch(url(`/campaigns/${id}/report`))).json()) as {
          treated: { conversions: number; revenue: number };
          holdout: { conversions: number };
          incrementalConversionRate: { estimate: number; lower: number; upper: number } | null;
          incrementalRevenue: { estimate: number } | null;
        };
        return r.treated.conversions === 30 && r.holdout.conversions === 3 ? r : undefined;
      });
      expect(after.treated.revenue).toBe(1500);
      const rate = after.incrementalConversionRate!;
      expect(rate.lower).toBeLessThan(rate.estimate);
      expect(rate.upper).toBeGreaterThan(rate.estimate);
      expect(after.incrementalRevenue).not.toBeNull();
    });

    it('explains every offer and learns from its outcome', async () => {
      const id = await campaign('reasons', {});
      const decisions: DecisionBody[] = [];
      for (let i = 0; i < 30; i++) decisions.push(await decide({ userId: `r-${i}`, channel: 'reasons' }, i));
      const offers = decisions.filter((d) => d.kind === 'offer').map((d) => d.offer!);
      expect(offers.length).toBeGreaterThan(0);
      for (const o of offers) {
        for (const prefix of [
          'trigger:',
          'campaign:',
          'action:',
          'applies_to:',
          'signals:',
          'model:propensity@',
          'model:profit@',
          'score:',
          'expected_incremental_profit:',
          'probability:',
          'estimate:learned',
        ]) {
          expect(o.reasonCodes.some((c) => c.startsWith(prefix))).toBe(true);
        }
        expect(o.probability).toBeGreaterThan(0);
        expect(o.modelVersions['propensity']).toBeDefined();
      }
      const offer = offers[0]!;
      await kcatProduce(KAFKA_BROKERS, suite.ctx.topicPrefix + TOPICS.offerOutcomes.name, [
        {
          key: offer.userId,
          value: JSON.stringify(
            testEvent('offer_outcome', offer.userId, {
              offerId: offer.offerId,
              outcome: 'redeem',
              revenue: 80,
              discountCost: 20,
            }),
          ),
        },
      ]);
      const report = await waitFor(async () => {
        const r = (await (await fetch(url(`/campaigns/${id}/report`))).json()) as {
          redemptions: number;
          redeemedSpend: number;
        };
        return r.redemptions === 1 ? r : undefined;
      });
      expect(report.redeemedSpend).toBe(20);
      // Every decision waits for its reward (purchases in its attribution window) to be learned from.
      expect(await suite.ctx.redis.zcard(RedisKeys.decision.learnDue())).toBeGreaterThanOrEqual(decisions.length);
    });
  },
);
