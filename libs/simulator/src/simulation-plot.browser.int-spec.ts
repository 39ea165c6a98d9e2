import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chartData, openBrowser, type TestBrowser } from '@offerstream/testing';
import { simulationPlotHtml } from './simulation-plot';
import type { PolicyScores } from './scoreboard';
import type { RoundResult, SimulationResult } from './simulation.runner';

const scores = (live: number): PolicyScores => ({
  requests: 3000,
  offers: 600,
  live,
  noOffers: 0,
  offersToAll: { pct10: -1900, pct20: -4300, free_shipping: -1500 },
  randomSameCount: -700,
  oracleSameCount: 1900,
  bestActionSameRequests: 1200,
});
const lives = [-658, -147, 548, 717, 653, 557];
const rounds: RoundResult[] = lives.map((live, i) => {
  const truthToDate = lives.slice(0, i + 1).reduce((a, b) => a + b, 0);
  return {
    round: i + 1,
    scores: scores(live),
    executed: { none: 2400, pct10: 200, pct20: 200, free_shipping: 200 },
    holdouts: 300,
    purchases: 500,
    attributedToDate: 500 * (i + 1),
    missingDecisions: 0,
    report: { field: 'incrementalGrossProfit', estimate: truthToDate + 400, lower: truthToDate - 3000, upper: 5000 },
    truthToDate,
    covered: true,
  };
});
const run: SimulationResult = {
  campaignId: 'c',
  rounds,
  total: scores(1670),
  report: rounds.at(-1)?.report ?? null,
  covered: true,
  finalReport: {},
};

describe('the plot page of a simulated run, in a browser', () => {
  let browser: TestBrowser | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sim-plot-'));
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws both charts from the run, offline and without script errors', async () => {
    const file = join(dir, 'run.html');
    writeFileSync(file, simulationPlotHtml(run, { market: 'annex', seed: 140 }));
    browser = await openBrowser(process.env['SIM_PLOT_SCREENSHOTS_DIR']);
    const b = browser;
    await b.page.goto(pathToFileURL(file).href);
    const charts = await chartData(b.page, ['rounds', 'report']);
    // Datasets in the page's order: oracle, the same shoppers' best offers, live, random; then upper, lower, report,
    // truth.
    expect(charts['rounds']).toEqual([
      new Array(6).fill(1900),
      new Array(6).fill(1200),
      lives,
      new Array(6).fill(-700),
    ]);
    expect(charts['report']?.[3]).toEqual(rounds.map((r) => r.truthToDate));
    expect(charts['report']?.[2]).toEqual(rounds.map((r) => r.report?.estimate));
    expect(b.errors).toEqual([]);
    await b.screenshot('simulation-plot');
  });
});
