import { serviceHarness } from '@offerstream/testing';
import {
  createCampaign,
  GREEDY_SERVICE_ENV,
  OFFERS_PAY,
  publishCatalog,
  publishProfitModel,
} from './decision-service.test-fixture';

/** Value of one sample line of a Prometheus text exposition, or undefined when the series is absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('decision-service operator metrics against real Kafka and Redis', () => {
  const h = serviceHarness('decision-service', GREEDY_SERVICE_ENV);

  it('exports budget spend against limit and end, the profit model age and HTTP rates by route', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    await h.start();
    const endsAt = '2030-01-01T00:00:00.000Z';
    await createCampaign(h.fetch, {
      id: 'c-ops',
      name: 'ops',
      endsAt,
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
      caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
    });
    for (let i = 0; i < 3; i++) {
      const res = await h.fetch('/decisions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `u-${i}`, placement: 'home', items: [{ itemId: 'sku-1', price: 100 }] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ kind: 'offer' });
    }
    const text = await (await h.fetch('/metrics')).text();

    const campaign = 'campaign="c-ops"';
    expect(sample(text, 'offerstream_campaign_budget_spend', campaign)).toBeGreaterThan(0);
    expect(sample(text, 'offerstream_campaign_budget_limit', campaign)).toBe(10_000);
    expect(sample(text, 'offerstream_campaign_ends_timestamp_seconds', campaign)).toBe(Date.parse(endsAt) / 1000);
    expect(sample(text, 'offerstream_campaign_active', campaign)).toBe(1);
    const age = Number(/^offerstream_profit_model_age_seconds\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120);
    expect(sample(text, 'offerstream_http_request_duration_seconds_count', 'route="/decisions",status="200"')).toBe(3);
    expect(sample(text, 'offerstream_decisions_total', 'kind="offer"')).toBe(3);
  });
});
