import { serviceHarness, TEST_KEYS } from '@offerstream/testing';
import { consoleBrowserPerTest, signIn } from './console-browser.test-fixture';

/**
 * A campaign's delivery channels in a real headless Chromium against a running decision service: set on create
 * with a mistake shown beside the channels, saved as the API states them, shown again on edit, and removed.
 */
describe('campaign channels in the console', () => {
  const h = serviceHarness('decision-service', { DEFAULT_CAMPAIGN: 'false', CAMPAIGN_POLL_MS: '200' });
  const openBrowser = consoleBrowserPerTest();

  const channelsOf = async (id: string): Promise<unknown> => {
    const res = await h.fetch(`/campaigns/${id}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { channels?: unknown }).channels;
  };

  it('sets, shows and removes a campaign’s channels, with the API’s message beside them', async () => {
    await h.start();
    const ui = await openBrowser();
    const { page } = ui;
    await ui.explainFailure(async () => {
      await page.goto(h.url('/console'));
      await signIn(page, TEST_KEYS.all);
      await page.click('#new-campaign');
      await page.locator('#f-channels').waitFor();
      await page.fill('#f-id', 'reach');
      await page.fill('#f-name', 'Reach');
      await page.fill('#f-budget-spend', '100');
      await page.fill('#f-budget-count', '50');
      await page.check('#f-channels-email');
      await page.check('tr[data-channel="email"] input[value="personalization"]');
      await page.check('#f-channels-sms');
      await page.fill('#f-channels-sms-cost', '500');
      await page.click('#save');
      await page.locator('.field[data-path="channels"].invalid').waitFor();
      expect(await page.textContent('.field[data-path="channels"] .field-error')).toMatch(/<=\s*100/);
      expect((await h.fetch('/campaigns/reach')).status).toBe(404);

      await page.fill('#f-channels-sms-cost', '0.05');
      await page.click('#save');
      await page.waitForURL(/#\/campaigns\/reach$/);
      // The campaign page's channel table: nothing sent yet.
      await page.locator('#channel-figures').waitFor();
      expect(await page.locator('#channel-figures tbody tr').count()).toBe(0);
      expect(await channelsOf('reach')).toEqual([
        { channel: 'email', cost: 0, requires: ['marketing_email', 'personalization'] },
        { channel: 'sms', cost: 0.05 },
      ]);

      await page.goto(h.url('/console#/campaigns/reach/edit'));
      await page.locator('#f-channels').waitFor();
      expect(await page.isChecked('#f-channels-email')).toBe(true);
      expect(await page.isChecked('#f-channels-push')).toBe(false);
      expect(await page.inputValue('#f-channels-sms-cost')).toBe('0.05');
      await ui.screenshot('console-campaign-channels');
      await page.uncheck('#f-channels-email');
      await page.uncheck('#f-channels-sms');
      await page.click('#save');
      await page.waitForURL(/#\/campaigns\/reach$/);
      expect(await channelsOf('reach')).toBeUndefined();
    });
    expect(ui.errors).toEqual([]);
  });
});
