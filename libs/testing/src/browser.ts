import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

const REPOSITORY = resolve(__dirname, '..', '..', '..');

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

export interface TestBrowser {
  readonly page: Page;
  /** Script errors and failed requests the page reported (the favicon's 404 aside). */
  readonly errors: string[];
  /** Writes a full-page screenshot `<name>.png` into the screenshot directory and returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Runs `steps`; if one fails, rethrows with where the page was, its `#notice` text (the console's status line, when
   * the page has one), its errors and a screenshot of it.
   */
  explainFailure(steps: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile (its own --user-data-dir, deleted on close) and one page. Screenshots go to
 * `screenshotsDir` (relative to the repository) when given, a temp directory otherwise.
 */
export async function openBrowser(screenshotsDir?: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'test-chromium-'));
  const shots = screenshotsDir ? resolve(REPOSITORY, screenshotsDir) : mkdtempSync(join(tmpdir(), 'test-shots-'));
  mkdirSync(shots, { recursive: true });
  // Loaded here, not with the module: most users of this library never open a browser.
  const { chromium } = await import('playwright-core');
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
