import { randomUUID } from 'node:crypto';
import { TOPICS, type Offer } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import { freePort, isolatedEnv, kcatProduce, KAFKA_BROKERS, ServiceProcess, waitFor, type IsolatedEnv } from '@offerstream/testing';
import { createCampaign, GREEDY_SERVICE_ENV } from './decision-service.test-fixture';

interface DecisionBody {
  kind: string;
  offer?: Offer;
  reasonCodes: string[];
}

const outcome = (offer: Offer, kind: string) => ({
  key: offer.userId,
  value: JSON.stringify({
    eventId: randomUUID(),
    schemaVersion: '1.0',
    occurredAt: new Date().toISOString(),
    producer: 'int-test',
    userId: offer.userId,
    type: 'offer_outcome',
    payload: { offerId: offer.offerId, outcome: kind },
  }),
});

/** Instance A refits; instance B never does and must still switch to the published model by polling. */
describe('learned purchase propensity, refit from outcomes through real Kafka and Redis', () => {
  let ctx: IsolatedEnv;
  const services: ServiceProcess[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    ctx = await isolatedEnv({
      ...GREEDY_SERVICE_ENV,
      PROPENSITY_REFIT_MS: '1000',
      PROPENSITY_MIN_NEW: '60',
      PROPENSITY_HELD_OUT_SHARE: '0.3',
      PROPENSITY_EPOCHS: '200',
      PROPENSITY_POLL_MS: '200',
    });
    const [a, b] = [await freePort(), await freePort()];
    ports.push(a, b);
    services.push(
      ...(await Promise.all([
        ServiceProcess.startReady('decision-service', { ...ctx.env, PORT: String(a) }, a, 90_000),
        ServiceProcess.startReady('decision-service', { ...ctx.env, PORT: String(b), PROPENSITY_REFIT: 'false' }, b, 90_000),
      ])),
    );
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await ctx?.close();
  });

  const decide = async (userId: string, instance: number): Promise<DecisionBody> => {
    const res = await fetch(`http://127.0.0.1:${ports[instance]}/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, channel: 'learn', placement: 'home', items: [{ itemId: 'sku-1', price: 100 }] }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as DecisionBody;
  };
  const propensityCode = (d: DecisionBody): string | undefined => d.reasonCodes.find((c) => c.startsWith('model:propensity@'));

  it('turns offer outcomes into a refitted model that every instance decides with, without a restart', async () => {
    await createCampaign(ports[0] ?? 0, {
      id: 'learn',
      name: 'learn',
      budget: { spend: 1e6, count: 1e6 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
      caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
      eligibility: { channels: ['learn'] },
    });

    const before = await decide('learn-probe-0', 1);
    expect(propensityCode(before)).toBe('model:propensity@propensity-lr@1.0.0-prior');

    const offers: Offer[] = [];
    for (let i = 0; offers.length < 90 && i < 200; i++) {
      const d = await decide(`learn-${i}`, i % 2);
      if (d.offer) offers.push(d.offer);
    }
    expect(offers).toHaveLength(90);
    // Half the offers are clicked and redeemed (positive), half expire: far more buying than the prior's ~3%, so a
    // refit beats it on the held-out slice. Some outcomes are redelivered; each offer is still one example.
    const lines = offers.flatMap((o, i) => (i % 2 === 0 ? [outcome(o, 'click'), outcome(o, 'redeem')] : [outcome(o, 'expire')]));
    await kcatProduce(KAFKA_BROKERS, ctx.topicPrefix + TOPICS.offerOutcomes.name, [...lines, ...lines.slice(0, 20)]);

    const published = await waitFor(async () => Number(await ctx.redis.get(RedisKeys.decision.propensityVersion())) >= 1 || undefined, {
      timeoutMs: 60_000,
      what: 'a refitted propensity model to be published',
    });
    expect(published).toBe(true);
    expect(Number(await ctx.redis.get(RedisKeys.decision.propensityAppended()))).toBe(90);
    expect(await ctx.redis.llen(RedisKeys.decision.propensityLog())).toBe(90);

    // Instance B never refits: it must have picked the published version up by polling.
    const after = await waitFor(async () => {
      const d = await decide(`learn-probe-${randomUUID()}`, 1);
      return propensityCode(d)?.startsWith('model:propensity@propensity-lr@fit1-') ? d : undefined;
    }, { what: 'instance B to decide with the refitted model' });
    if (after.offer) expect(after.offer.modelVersions['propensity']).toMatch(/^propensity-lr@fit1-n90$/);
    const model = JSON.parse((await ctx.redis.get(RedisKeys.decision.propensityModel()))!) as { heldOutLogLoss: number; previousLogLoss: number };
    expect(model.heldOutLogLoss).toBeLessThan(model.previousLogLoss);
  });
});
