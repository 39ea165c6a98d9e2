import { loadFeatureStoreConfig, SegmentJob } from '@offerstream/feature-store';
import { authFetch, serviceHarness, TEST_KEYS } from '@offerstream/testing';
import {
  EXPLORING_SERVICE_ENV,
  createCampaign,
  publishCatalog,
  type DecisionBody,
} from '../decision-service.test-fixture';
import { writeSpendersAndBrowsers } from '../segments.test-fixture';
import { consoleBrowserPerTest, signIn } from './console-browser.test-fixture';

const cfg = loadFeatureStoreConfig({ FS_SEGMENT_K: '2' });

/**
 * Segments in a real headless Chromium against a running decision service (Kafka, Redis, API keys on): the learned
 * clusters with their sizes and top features, naming one, defining a rule segment with a mistake shown beside its
 * field, a reader refused every change, a script-bearing name kept as text; then a campaign that targets the rule
 * segment is decided for its members only.
 */
describe('segments in the console and in decisions', () => {
  const h = serviceHarness('decision-service', { ...EXPLORING_SERVICE_ENV });
  const openBrowser = consoleBrowserPerTest();

  const NAME = '<img src=x onerror="window.__xss=1">Big <script>window.__xss=2</script>spenders';

  it('shows, names and defines segments, refuses a reader, and targets a campaign at a rule segment', async () => {
    await h.start();
    const redis = h.ctx.redis;
    // The item offers are made on, priced in the catalog as the stream processor would write it.
    await publishCatalog(redis, [{ itemId: 'sku-1', price: 100 }]);
    await writeSpendersAndBrowsers(redis, cfg, 150);
    const job = new SegmentJob(redis, cfg, h.ctx.env['REDIS_KEY_PREFIX'] ?? '');
    const model = await job.run();
    expect(model?.ids).toHaveLength(2);

    const ui = await openBrowser();
    const { page } = ui;
    await ui.explainFailure(async () => {
      await page.goto(h.url('/console#/segments'));
      await signIn(page, TEST_KEYS.all);
      await page.locator('#clusters tbody tr').nth(1).waitFor();
      const sizes = await page.locator('#clusters tbody tr td:nth-child(3)').allTextContents();
      expect(sizes.sort()).toEqual(['2', '3']);
      const spenders = page.locator('#clusters tbody tr', { hasText: '100.0%' });
      expect(await spenders.textContent()).toMatch(/boughtBefore \+0\.8σ \(1\.00 vs 0\.60\)/);
      const clusterId = (await spenders.getAttribute('data-id')) ?? '';
      await page.fill(`#name-${clusterId}`, 'Buyers of a-things');
      await spenders.locator('button').click();
      await page.locator('#notice', { hasText: `Cluster ${clusterId} named Buyers of a-things.` }).waitFor();

      // A rule with its range upside down: the API's message appears beside the field, nothing is saved.
      await page.click('#new-segment');
      await page.fill('#seg-id', 'big-spenders');
      await page.fill('#seg-name', NAME);
      await page.fill('#seg-monetary-min', '200');
      await page.fill('#seg-monetary-max', '100');
      await page.click('#save-segment');
      const error = page.locator('[data-path="conditions.monetary"] .field-error');
      await error.filter({ hasText: 'min must not exceed max' }).waitFor();
      await page.fill('#seg-monetary-min', '100');
      await page.fill('#seg-monetary-max', '');
      await page.click('#save-segment');
      const row = page.locator('#rules tbody tr[data-id="big-spenders"]');
      await row.waitFor();
      expect(await row.locator('td').nth(1).textContent()).toBe(NAME);
      expect(await row.locator('td').nth(2).textContent()).toBe('Spend 100–…');
      expect(await page.evaluate(() => Reflect.get(globalThis, '__xss') as unknown)).toBeUndefined();
      // The next segmentation counts the rule on its sample, under the cluster ids and names already given.
      await job.run();
      await page.reload();
      await row.locator('td', { hasText: '100.0%' }).waitFor();
      expect(await row.locator('td').nth(3).textContent()).toBe('3');
      expect(await page.inputValue(`#name-${clusterId}`)).toBe('Buyers of a-things');
      expect(ui.errors).toEqual([]);
      await ui.screenshot('console-segments');

      // A reader sees the segments and is offered no change; a change sent anyway is refused.
      await signIn(page, TEST_KEYS.reader);
      await page.goto(h.url('/console#/segments'));
      await page.locator('#rules tbody tr[data-id="big-spenders"]').waitFor();
      expect(await page.locator('#new-segment').count()).toBe(0);
      expect(await page.locator(`#name-${clusterId}`).count()).toBe(0);
    });
    const refused = await authFetch(h.url('/segments/rules/big-spenders'), { method: 'DELETE' }, 'reader');
    expect(refused.status).toBe(403);
    expect(ui.errors).toEqual([]);

    await createCampaign(h.fetch, {
      id: 'for-spenders',
      name: 'For big spenders',
      budget: { spend: 10_000, count: 10_000 },
      holdoutShare: 0,
      eligibility: { segments: ['big-spenders'] },
    });
    const decide = async (userId: string): Promise<DecisionBody> =>
      (await (
        await h.fetch('/decisions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            userId,
            placement: 'home',
            requestId: `segments-${userId}`,
            items: [{ itemId: 'sku-1', price: 100 }],
          }),
        })
      ).json()) as DecisionBody;
    // Members reach the policy (which may still choose no offer: exploration is uniform here); others never do.
    for (const userId of ['spender-1', 'spender-2', 'spender-3'])
      expect((await decide(userId)).reason).not.toBe('no_eligible_campaign');
    for (const userId of ['browser-1', 'browser-2'])
      expect(await decide(userId)).toMatchObject({ kind: 'no_offer', reason: 'no_eligible_campaign' });
  }, 180_000);
});
