import { TOPICS, dlqTopicName } from '@offerstream/contracts';
import { KAFKA_BROKERS, kcatConsumeAll, kcatProduce, testEvent, waitFor } from '@offerstream/testing';
import { REDIS_MODES, twoInstances } from './two-instances.test-fixture';

/**
 * What two instances make of their inputs: clickstream events that trigger offers, and bad requests and events,
 * answered with 4xx or dead-lettered.
 */
describe.each(REDIS_MODES)(
  'decision-service clickstream triggers and bad input against real Kafka and $redis, two instances',
  ({ cluster }) => {
    const suite = twoInstances(cluster);
    const { url, post, campaign, offersOnTopic } = suite;

    it('turns an idle cart and a negative review into offers from the clickstream', async () => {
      await campaign('email', {
        eligibility: { channels: ['email'] },
        offerTypes: { percentDiscounts: [10, 20], serviceRecoveryCoupon: 5 },
      });
      const topic = suite.ctx.topicPrefix + TOPICS.clickstream.name;
      await kcatProduce(KAFKA_BROKERS, topic, [
        {
          key: 'cart-user',
          value: JSON.stringify(
            testEvent('add_to_cart', 'cart-user', { itemId: 'sku-c', quantity: 1, unitPrice: 120 }),
          ),
        },
        {
          key: 'review-user',
          value: JSON.stringify(
            testEvent('review', 'review-user', { itemId: 'sku-r', rating: 1, text: 'broke after a day' }),
          ),
        },
      ]);
      const offers = await waitFor(
        async () => {
          const all = await offersOnTopic();
          const recovery = all.find((o) => o.trigger === 'service_recovery' && o.userId === 'review-user');
          const cart = all.find((o) => o.trigger === 'cart_abandon' && o.userId === 'cart-user');
          return recovery && cart ? { recovery, cart } : undefined;
        },
        { timeoutMs: 30_000, what: 'service recovery and cart abandonment offers' },
      );
      expect(offers.recovery.offerType).toBe('coupon');
      expect(offers.recovery.items).toEqual([]);
      expect(offers.recovery.reasonCodes).toContain('service_recovery:negative_review');
      expect(offers.cart.items).toEqual(['sku-c']);
      expect(offers.cart.offerType).toBe('percent_discount');
    });

    it('answers bad requests with 4xx and a message, and dead-letters bad events', async () => {
      const bad = await post('/decisions', { userId: '', placement: 'x' });
      expect(bad.status).toBe(400);
      expect(String(bad.json['message'])).toMatch(/userId/);
      const badCampaign = await post('/campaigns', { name: 'x', budget: { spend: -1, count: 1 } });
      expect(badCampaign.status).toBe(400);
      expect(String(badCampaign.json['message'])).toMatch(/budget\.spend/);
      expect((await fetch(url('/campaigns/nope'))).status).toBe(404);
      const notJson = await fetch(url('/decisions'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"userId":',
      });
      expect(notJson.status).toBe(400);

      const topic = suite.ctx.topicPrefix + TOPICS.offerRequests.name;
      await kcatProduce(KAFKA_BROKERS, topic, [{ key: 'u', value: '{"type":"offer_request","payload":{}}' }]);
      const dead = await waitFor(async () => {
        const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic));
        return r.length > 0 ? r : undefined;
      });
      expect(dead[0]!.payload).toBe('{"type":"offer_request","payload":{}}');
    });
  },
);
