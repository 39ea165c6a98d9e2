import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (installed by `bash scripts/stack.sh ensure-test-tools`). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** No network beyond the service under test: nothing phones home, nothing is fetched from a CDN. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleBrowser {
  readonly page: Page;
  /** Script errors and failed requests the page reported (the favicon's 404 aside). */
  readonly errors: string[];
  /** Writes a full-page screenshot `<name>.png` into the screenshot directory and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Runs `steps`; if one fails, rethrows with where the page was, what it said and a screenshot of it. */
  explainFailure(steps: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
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

/**
 * Chromium with a fresh profile (its own --user-data-dir, deleted on close) and one page. Screenshots go to a temp
 * directory, or to CONSOLE_SCREENSHOTS_DIR (relative to the repository) when set: `CONSOLE_SCREENSHOTS_DIR=docs/images`
 * refreshes the ones the docs show.
 */
export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  const shots = process.env['CONSOLE_SCREENSHOTS_DIR']
    ? resolve(__dirname, '..', '..', '..', '..', process.env['CONSOLE_SCREENSHOTS_DIR'])
    : mkdtempSync(join(tmpdir(), 'console-shots-'));
  mkdirSync(shots, { recursive: true });
  let context: BrowserContext;
  try {
    // Playwright wants the profile directory as an argument rather than as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`could not start ${CHROMIUM} (bash scripts/stack.sh ensure-test-tools installs it): ${String(e)}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500 && !r.url().endsWith('/favicon.ico')) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  const screenshot = async (name: string): Promise<string> => {
    const path = join(shots, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  return {
    page,
    errors,
    screenshot,
    async explainFailure(steps) {
      try {
        await steps();
      } catch (e) {
        const shot = await screenshot('failure').catch(() => 'none');
        const notice = await page.textContent('#notice', { timeout: 1_000 }).catch(() => null);
        const detail = `page ${page.url()}, notice "${notice ?? ''}", errors ${JSON.stringify(errors)}, screenshot ${shot}`;
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n(${detail})`, { cause: e });
      }
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs the console in with `key` (the key form in the header), replacing any key it had. */
export async function signIn(page: Page, key: string): Promise<void> {
  if (await page.locator('#sign-out').isVisible()) await page.click('#sign-out');
  await page.fill('#api-key', key);
  await page.click('#sign-in button[type=submit]');
  await page.locator('#sign-out').waitFor();
}

/** Data points per dataset of the Chart.js chart drawn on each canvas, read from the page's own Chart instances. */
export async function chartData(page: Page, ids: readonly string[]): Promise<Record<string, number[][]>> {
  return page.evaluate((canvasIds) => {
    // Runs in the page; the workspace's types are Node's, so the two browser globals used are typed here.
    const doc = Reflect.get(globalThis, 'document') as { getElementById(id: string): unknown };
    const C = Reflect.get(globalThis, 'Chart') as {
      getChart(canvas: unknown): { data: { datasets: { data: unknown[] }[] }; chartArea?: unknown } | undefined;
    };
    const out: Record<string, number[][]> = {};
    for (const id of canvasIds) {
      const chart = C.getChart(doc.getElementById(id));
      out[id] = chart?.chartArea
        ? chart.data.datasets.map((d) => d.data.map((v) => (typeof v === 'number' ? v : (v as { y: number }).y)))
        : [];
    }
    return out;
  }, ids);
}
