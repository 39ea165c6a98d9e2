import { TOPICS, type ConsentEvent, type DecisionRecord, type Offer } from '@offerstream/contracts';
import { channelOffersField, channelOutcomeField, channelSeenField } from '@offerstream/decision';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import { RedisKeys } from '@offerstream/redis';
import {
  isolatedEnv,
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  testEvent,
  waitFor,
  type IsolatedEnv,
  type ServiceProcess,
} from '@offerstream/testing';
import {
  createCampaign,
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
  startPipeline,
} from './decision-service.test-fixture';

// Channels and consent purposes came with contract 1.3.
const event = (type: string, userId: string, payload: Record<string, unknown>) =>
  testEvent(type, userId, payload, { schemaVersion: '1.3' });
const withdraw = (userId: string, purposes: ConsentEvent['payload']['choices'][number]['purpose'][]) =>
  event('consent', userId, {
    choices: purposes.map((purpose) => ({ purpose, status: 'withdrawn' })),
    source: 'unsubscribe_link',
  });
const badReview = (userId: string, i: number) =>
  event('review', userId, { itemId: `sku-${i}`, rating: 1, text: 'arrived broken' });

const CHANNELS = [
  { channel: 'email', cost: 0.01 },
  { channel: 'push', cost: 0 },
  { channel: 'site', cost: 0 },
  { channel: 'sms', cost: 0.05 },
];
const REVIEWS = 12;

/**
 * The channel choice end to end: consent from the clickstream (kept in the profile by the stream processor), negative
 * reviews turned into service-recovery offers by the decision service, and the offers and decision records read back
 * from Kafka. E-mail has by far the best learned redeem rate, so only consent keeps it from a user.
 */
describe('offer channels against real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  const procs: ServiceProcess[] = [];
  let port = 0;

  beforeAll(async () => {
    ctx = await isolatedEnv({ ...GREEDY_SERVICE_ENV, JOBS_ENABLED: 'false' });
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    // Priced items: what a redeemed apology coupon earns is the margin of the reviewed item less the coupon.
    await publishCatalog(
      ctx.redis,
      Array.from({ length: REVIEWS }, (_, i) => ({ itemId: `sku-${i}`, price: 100 })),
    );
    const pipeline = await startPipeline(ctx.env);
    procs.push(...pipeline.services);
    port = pipeline.port;
    await createCampaign(port, {
      id: 'channels',
      name: 'channels',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      offerTypes: { serviceRecoveryCoupon: 5 },
      caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
      eligibility: { triggers: ['service_recovery'] },
      channels: CHANNELS,
    });
    // What the campaign learned so far: e-mail redeems at 30%, the others at 1%.
    const stats = RedisKeys.campaign.stats('channels');
    for (const { channel } of CHANNELS) {
      await ctx.redis.hset(stats, channelOffersField(channel), 1000);
      await ctx.redis.hset(stats, channelOutcomeField(channel, 'redeem'), channel === 'email' ? 300 : 10);
    }
    const topic = ctx.topicPrefix + TOPICS.clickstream.name;
    await kcatProduce(KAFKA_BROKERS, topic, [
      { key: 'no-email', value: JSON.stringify(withdraw('no-email', ['marketing_email'])) },
      {
        key: 'no-consent',
        value: JSON.stringify(
          withdraw('no-consent', ['marketing_email', 'marketing_push', 'marketing_sms', 'personalization']),
        ),
      },
      { key: 'all-in', value: JSON.stringify(event('product_view', 'all-in', { itemId: 'sku-0', price: 50 })) },
    ]);
    const reader = new FeatureStoreReader(ctx.redis, loadFeatureStoreConfig({}));
    await waitFor(
      async () => {
        const users = await Promise.all(['no-email', 'no-consent'].map((u) => reader.getUser(u)));
        return users.every((u) => u?.consent.marketing_email?.granted === false) || undefined;
      },
      { what: 'the stream processor to keep the withdrawals', timeoutMs: 60_000 },
    );
    await kcatProduce(
      KAFKA_BROKERS,
      topic,
      ['no-email', 'all-in', 'no-consent'].flatMap((u) =>
        Array.from({ length: REVIEWS }, (_, i) => ({ key: u, value: JSON.stringify(badReview(u, i)) })),
      ),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await ctx?.close();
  });

  const onTopic = async <T>(name: string): Promise<T[]> =>
    (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + name)).map(
      (r) => (JSON.parse(r.payload ?? '{}') as { payload: T }).payload,
    );
  const decisionsOf = async (userId: string): Promise<DecisionRecord[]> =>
    waitFor(
      async () => {
        const mine = (await onTopic<DecisionRecord>(TOPICS.decisions.name)).filter((d) => d.userId === userId);
        return mine.length >= REVIEWS ? mine : undefined;
      },
      { what: `${REVIEWS} decisions for ${userId}`, timeoutMs: 60_000 },
    );

  it('never sends an e-mail offer to a user without e-mail consent, and says which channel it chose', async () => {
    await decisionsOf('no-email');
    const offers = (await onTopic<Offer>(TOPICS.offers.name)).filter((o) => o.userId === 'no-email');
    expect(offers).toHaveLength(REVIEWS);
    for (const o of offers) {
      expect(['push', 'site', 'sms']).toContain(o.channel);
      expect(o.channelCost).toBe(CHANNELS.find((c) => c.channel === o.channel)?.cost);
      expect(o.reasonCodes).toContain(`channel:${o.channel}`);
      expect(o.reasonCodes.some((c) => c.startsWith('channel_value:email'))).toBe(false);
    }
  });

  it('sends by e-mail, the best-learned channel, to a user who consented to everything', async () => {
    const decisions = await decisionsOf('all-in');
    const offers = (await onTopic<Offer>(TOPICS.offers.name)).filter((o) => o.userId === 'all-in');
    expect(offers).toHaveLength(REVIEWS);
    expect(offers.filter((o) => o.channel === 'email').length).toBeGreaterThanOrEqual(REVIEWS - 1);
    // The decision record of each offer names the channel the offer went on.
    const byOffer = new Map(decisions.map((d) => [d.offerId, d.channel]));
    for (const o of offers) expect(byOffer.get(o.offerId)).toBe(o.channel);
  });

  it('makes no offer at all to a user who withdrew every channel’s consent', async () => {
    const decisions = await decisionsOf('no-consent');
    expect(decisions.every((d) => d.kind === 'no_offer' && d.reason === 'no_eligible_campaign')).toBe(true);
    expect((await onTopic<Offer>(TOPICS.offers.name)).filter((o) => o.userId === 'no-consent')).toEqual([]);
  });

  it('counts the offers it made per channel, for what it learns next', async () => {
    const figures = await ctx.redis.hgetall(RedisKeys.campaign.stats('channels'));
    const made = CHANNELS.reduce((n, { channel }) => n + Number(figures[channelOffersField(channel)]) - 1000, 0);
    expect(made).toBe(2 * REVIEWS);
  });

  it('counts an outcome under the offer’s channel and remembers when the user engaged there', async () => {
    const offer = (await onTopic<Offer>(TOPICS.offers.name)).find(
      (o) => o.userId === 'all-in' && o.channel === 'email',
    );
    expect(offer).toBeDefined();
    const before = Date.now();
    await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.offerOutcomes.name, [
      {
        key: 'all-in',
        value: JSON.stringify(
          event('offer_outcome', 'all-in', { offerId: offer!.offerId, campaignId: 'channels', outcome: 'redeem' }),
        ),
      },
    ]);
    const stats = RedisKeys.campaign.stats('channels');
    await waitFor(
      async () => ((await ctx.redis.hget(stats, channelOutcomeField('email', 'redeem'))) === '301' ? true : undefined),
      {
        what: 'the redeem counted under e-mail',
      },
    );
    const seen = Number(
      await ctx.redis.hget(RedisKeys.campaign.statsMember('channels', 'all-in'), channelSeenField('email')),
    );
    expect(seen).toBeGreaterThanOrEqual(before);
  });

  it('reports each channel’s offers, outcomes and learned redeem rate to the console', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/campaigns/channels/channels`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      channels: { channel: string; offers: number; outcomes: Record<string, number>; redeemRate: number }[];
    };
    const email = body.channels.find((c) => c.channel === 'email');
    expect(email?.outcomes['redeem']).toBe(301);
    // Beta(1 + 301, 19 + offers - 301): close to the 30% the campaign learned.
    expect(email?.redeemRate).toBeCloseTo(302 / (20 + (email?.offers ?? 0)), 10);
    expect(body.channels.map((c) => c.channel).sort()).toEqual(['email', 'push', 'site', 'sms']);
    expect((await fetch(`http://127.0.0.1:${port}/campaigns/nope/channels`)).status).toBe(404);
  });
});
