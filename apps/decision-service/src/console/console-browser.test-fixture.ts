import type { Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from '@offerstream/testing';

export { chartData } from '@offerstream/testing';
export type ConsoleBrowser = TestBrowser;

/**
 * Chromium on a fresh profile (openBrowser). Screenshots go to a temp directory, or to CONSOLE_SCREENSHOTS_DIR
 * (relative to the repository) when set: `CONSOLE_SCREENSHOTS_DIR=docs/images` refreshes the ones the docs show.
 */
export function openConsoleBrowser(): Promise<ConsoleBrowser> {
  return openBrowser(process.env['CONSOLE_SCREENSHOTS_DIR']);
}

/**
 * The opener of a suite's browser: each test opens its own, and an afterEach registered here closes it, failed test
 * or not. Call inside `describe`.
 */
export function consoleBrowserPerTest(): () => Promise<ConsoleBrowser> {
  let current: ConsoleBrowser | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async () => {
    current = await openConsoleBrowser();
    return current;
  };
}

/** Signs the console in with `key` (the key form in the header), replacing any key it had. */
export async function signIn(page: Page, key: string): Promise<void> {
  if (await page.locator('#sign-out').isVisible()) await page.click('#sign-out');
  await page.fill('#api-key', key);
  await page.click('#sign-in button[type=submit]');
  await page.locator('#sign-out').waitFor();
}
