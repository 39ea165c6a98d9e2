import { TOPICS } from '@offerstream/contracts';
import { POLICY_FEATURES_VERSION, ProfitModelStore } from '@offerstream/decision';
import { kcatProduce, KAFKA_BROKERS, serviceHarness, TEST_KEYS, testEvent, waitFor } from '@offerstream/testing';
import { EXPLORING_SERVICE_ENV, publishCatalog, type DecisionBody } from '../decision-service.test-fixture';
import { chartData, consoleBrowserPerTest, signIn } from './console-browser.test-fixture';

/**
 * The marketer's console in a real headless Chromium against a real decision service (Kafka, Redis, API keys on):
 * a campaign is created, rejected input is explained beside its field, the campaign is edited and paused, its charts
 * are drawn from what the running service decided and counted, a reader key is refused every change, and a
 * script-bearing campaign name stays text.
 */
describe('the console in a browser', () => {
  // Uniform exploration (no model published), so most decisions are offers of every type; samples every 250 ms.
  const h = serviceHarness('decision-service', { ...EXPLORING_SERVICE_ENV, SERIES_SAMPLE_MS: '250' });
  const openBrowser = consoleBrowserPerTest();

  const NAME = '<img src=x onerror="window.__xss=1">Winter <script>window.__xss=2</script>sale';

  const envelope = (type: string, userId: string, payload: Record<string, unknown>) =>
    JSON.stringify(testEvent(type, userId, payload));

  const campaignJson = async (id: string): Promise<{ status: string; version: number; budget: { spend: number } }> =>
    (await (await h.fetch(`/campaigns/${id}`)).json()) as {
      status: string;
      version: number;
      budget: { spend: number };
    };

  type Decided = DecisionBody & { userId: string };

  /** Decisions for `users` over HTTP, then purchases by some treated and some holdout users and offer outcomes. */
  async function traffic(users: string[], wave: number): Promise<Decided[]> {
    const decided: Decided[] = [];
    for (const userId of users) {
      const res = await h.fetch('/decisions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId,
          placement: wave % 2 ? 'checkout' : 'home',
          channel: wave % 2 ? 'email' : 'site',
          items: [{ itemId: 'sku-1', price: 100 }],
        }),
      });
      expect(res.status).toBe(200);
      decided.push({ ...((await res.json()) as DecisionBody), userId });
    }
    const offered = decided.filter((d) => d.kind === 'offer');
    const held = decided.filter((d) => d.kind === 'holdout');
    const buyers = [...offered.slice(0, Math.ceil(offered.length / 2)), ...held.slice(0, Math.ceil(held.length / 4))];
    await kcatProduce(
      KAFKA_BROKERS,
      h.ctx.topicPrefix + TOPICS.clickstream.name,
      buyers.map((d) => ({
        key: d.userId,
        value: envelope('purchase', d.userId, {
          orderId: `o-${d.userId}`,
          lines: [{ itemId: 'sku-1', quantity: 1, unitPrice: 80 }],
          total: 80,
          currency: 'EUR',
        }),
      })),
    );
    const outcome = (d: Decided, o: string) => ({
      key: d.userId,
      value: envelope('offer_outcome', d.userId, { offerId: d.offer!.offerId, outcome: o }),
    });
    await kcatProduce(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.offerOutcomes.name, [
      ...offered.map((d) => outcome(d, 'delivered')),
      ...offered.slice(0, Math.ceil(offered.length * 0.7)).map((d) => outcome(d, 'impression')),
      ...offered.slice(0, Math.ceil(offered.length * 0.4)).map((d) => outcome(d, 'click')),
      ...offered.slice(-2).map((d) => outcome(d, 'dismiss')),
    ]);
    return decided;
  }

  it('creates, edits and pauses a campaign, charts its live figures, refuses a reader, and runs no injected script', async () => {
    await h.start();
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    const ui = await openBrowser();
    const { page } = ui;
    await ui.explainFailure(async () => {
      await page.goto(h.url('/console'));
      // A marketer who changes campaigns holds both roles (reader to see them, admin to change them).
      await signIn(page, TEST_KEYS.all);
      expect(await page.textContent('#signed-in-as')).toBe('test-all · admin, decider, reader, metrics, internal');

      // Create, first with two mistakes: each message appears beside its own field and nothing is created.
      await page.click('#new-campaign');
      // The form starts from the API's own defaults (its OpenAPI document), not from a copy in the page.
      await page.locator('#f-priority[value="100"]').waitFor();
      expect(await page.inputValue('#f-offerTypes-shippingCost')).toBe('4.9');
      await page.fill('#f-id', 'winter');
      await page.fill('#f-name', NAME);
      // A short campaign (3-4 minutes: the field has minutes) so that the straight-line pace is visible in the chart.
      await page.fill('#f-endsAt', new Date(Date.now() + 240_000).toISOString().slice(0, 16));
      await page.fill('#f-budget-spend', '400');
      await page.fill('#f-holdoutShare', '0.95');
      await page.click('#save');
      await page.locator('.field.invalid').first().waitFor();
      expect(await page.textContent('.field[data-path="holdoutShare"] .field-error')).toMatch(/0\.9/);
      expect(await page.textContent('.field[data-path="budget.count"] .field-error')).not.toBe('');
      expect(page.url()).toMatch(/#\/campaigns\/new$/);
      await ui.screenshot('console-form-errors');
      expect((await h.fetch('/campaigns/winter')).status).toBe(404);
      await page.fill('#f-holdoutShare', '0.4');
      await page.fill('#f-budget-count', '500');
      await page.click('#save');
      await page.waitForURL(/#\/campaigns\/winter$/);
      await page.locator('#campaign-title').waitFor();
      await ui.screenshot('console-create');

      // The name is shown as the characters it is: no element made of it, no script run.
      expect(await page.textContent('#campaign-title')).toBe(NAME);
      expect(await page.locator('#campaign-title img, #campaign-title script').count()).toBe(0);
      expect(await page.evaluate(() => Reflect.get(globalThis, '__xss') as unknown)).toBeUndefined();

      // Live traffic in two waves, so that the sampled series has a history to plot.
      await new Promise((r) => setTimeout(r, 500));
      const first = await traffic(
        Array.from({ length: 20 }, (_, i) => `w-${i}`),
        0,
      );
      await new Promise((r) => setTimeout(r, 800));
      const second = await traffic(
        Array.from({ length: 20 }, (_, i) => `w-${20 + i}`),
        1,
      );
      const decided = [...first, ...second];
      const offers = decided.filter((d) => d.kind === 'offer').length;
      expect(offers).toBeGreaterThan(5);
      expect(decided.filter((d) => d.kind === 'holdout').length).toBeGreaterThan(2);
      const report = await waitFor(async () => {
        const r = (await (await h.fetch('/campaigns/winter/report')).json()) as {
          budget: { reservedSpend: number };
          outcomes: Record<string, number>;
          treated: { conversions: number };
          holdout: { conversions: number };
          incrementalGrossProfit: unknown;
        };
        // Every outcome counted (two dismissals per wave give their budget back), so the figures are final.
        const settled = r.outcomes['delivered'] === offers && r.outcomes['dismiss'] === 4;
        return settled && r.treated.conversions > 0 && r.holdout.conversions > 0 && r.incrementalGrossProfit
          ? r
          : undefined;
      });
      // The sampler has recorded the settled figures, and a history of intervals before them.
      await waitFor(async () => {
        const { points } = (await (await h.fetch('/campaigns/winter/series')).json()) as {
          points: { reservedSpend: number; incrementalConversions: unknown }[];
        };
        const withInterval = points.filter((p) => p.incrementalConversions !== null);
        return (withInterval.length >= 2 && points.at(-1)?.reservedSpend === report.budget.reservedSpend) || undefined;
      });

      await page.reload();
      await page.locator('#chart-burn').waitFor();
      const charts = await chartData(page, [
        'chart-burn',
        'chart-conversions',
        'chart-profit',
        'chart-funnel',
        'chart-type',
        'chart-trigger',
        'chart-channel',
        'chart-placement',
      ]);
      const [spend, pace] = charts['chart-burn']!;
      expect(spend!.length).toBeGreaterThanOrEqual(3);
      expect(spend![spend!.length - 1]).toBeCloseTo(report.budget.reservedSpend, 2);
      // The pace runs from nothing at the start towards the whole budget at the end, and the end is minutes away.
      expect(pace![0]).toBe(0);
      expect(pace![1]).toBeGreaterThan(0);
      expect(pace![1]).toBeLessThan(400);
      // Lower bound, upper bound and estimate of the incremental conversions and profit, with points over time.
      expect(charts['chart-conversions']!.map((d) => d.length >= 2)).toEqual([true, true, true]);
      expect(charts['chart-profit']![2]!.length).toBeGreaterThanOrEqual(1);
      expect(charts['chart-funnel']![0]![0]).toBe(report.outcomes['delivered']);
      expect(charts['chart-type']![0]!.reduce((a, b) => a + b, 0)).toBe(offers);
      expect([charts['chart-channel']![0]!.length, charts['chart-placement']![0]!.length]).toEqual([2, 2]);
      await ui.screenshot('console-campaign');

      // Edit: a new budget is saved and shown; then a bad date order is explained beside the end date.
      await page.click('#edit-campaign');
      await page.fill('#f-budget-spend', '800');
      await page.click('#save');
      await page.waitForURL(/#\/campaigns\/winter$/);
      await page.locator('.kpi', { hasText: '/ 800 EUR' }).waitFor();
      expect((await campaignJson('winter')).budget.spend).toBe(800);
      await page.click('#edit-campaign');
      await page.fill('#f-startsAt', new Date(Date.now() + 7_200_000).toISOString().slice(0, 16));
      await page.click('#save');
      await page.locator('.field[data-path="endsAt"].invalid').waitFor();
      expect(await page.textContent('.field[data-path="endsAt"] .field-error')).toMatch(
        /endsAt must be after startsAt/,
      );
      expect((await campaignJson('winter')).version).toBe(2);

      // Pause from the campaign's page.
      await page.goto(h.url('/console#/campaigns/winter'));
      await page.click('button[data-action=pause]');
      await page.locator('.badge.paused').waitFor();
      expect((await campaignJson('winter')).status).toBe('paused');

      // Feed, user lookup and model status read from the same service.
      await page.goto(h.url('/console#/feed'));
      await page.locator('#feed tbody tr').first().waitFor();
      await page.selectOption('#filter-trigger', 'http_decision');
      expect(await page.locator('#feed tbody tr').count()).toBe(offers);
      await ui.screenshot('console-feed');
      const someone = decided.find((d) => d.kind === 'offer')!;
      await page.goto(h.url(`/console#/users/${someone.userId}`));
      await page.locator('#user-result').waitFor();
      expect(await page.textContent('#user-result')).toContain(someone.offer!.reasonCodes[0]!);
      await ui.screenshot('console-user');
      // A refused refit is shown with its reason: the only trace of why the model in use stayed.
      await new ProfitModelStore(h.ctx.redis, POLICY_FEATURES_VERSION).markAttempt({
        outcome: 'not_better',
        covered: 0,
        at: new Date().toISOString(),
        promotion: { reason: 'refused in a test', overNone: { value: -3, lower: -5, upper: -1 } },
      });
      await page.goto(h.url('/console#/models'));
      await page.locator('#consumer-lag tbody tr').nth(2).waitFor();
      const profitPanel = await page.textContent('#model-profit');
      expect(profitPanel).toContain('refused by the promotion check (the model in use stays)');
      expect(profitPanel).toContain('last refit.reasonrefused in a test');
      expect(profitPanel).toContain('last refit.overNone.upper-1');
      await ui.screenshot('console-models');

      // A reader sees everything and changes nothing: the page offers no change, and a change sent anyway (the edit
      // page opened by its address) is refused by the API, the page says why, and the campaign is as it was.
      await signIn(page, TEST_KEYS.reader);
      await page.goto(h.url('/console#/campaigns'));
      await page.locator('tr[data-campaign=winter]').waitFor();
      expect(await page.textContent('#signed-in-as')).toMatch(/^test-reader · reader\s*read-only$/);
      expect(
        await page.locator('#new-campaign, tr[data-campaign=winter] button, tr[data-campaign=winter] a.button').count(),
      ).toBe(0);
      await page.goto(h.url('/console#/campaigns/winter/edit'));
      await page.fill('#f-budget-spend', '100000');
      await page.click('#save');
      await page.locator('#notice.error').waitFor();
      expect(await page.textContent('#notice')).toMatch(
        /Not allowed: key test-reader lacks the role this route needs \(admin\)/,
      );
      const after = await campaignJson('winter');
      expect([after.budget.spend, after.status, after.version]).toEqual([800, 'paused', 3]);

      expect(await page.evaluate(() => Reflect.get(globalThis, '__xss') as unknown)).toBeUndefined();
    });
    expect(ui.errors).toEqual([]);
  });
});
