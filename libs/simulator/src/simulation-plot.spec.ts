import { plotData, simulationPlotHtml, type PlotData } from './simulation-plot';
import type { PolicyScores } from './scoreboard';
import type { RoundResult, SimulationResult } from './simulation.runner';

const scores = (live: number, oracle: number): PolicyScores => ({
  requests: 3000,
  offers: 500,
  live,
  noOffers: 0,
  offersToAll: { pct10: -1, pct20: -2, free_shipping: -3 },
  randomSameCount: -100,
  oracleSameCount: oracle,
  bestActionSameRequests: 600,
});
const round = (n: number, live: number, truthToDate: number): RoundResult => ({
  round: n,
  scores: scores(live, 1000),
  executed: { none: 2500, pct10: 200, pct20: 200, free_shipping: 100 },
  holdouts: 300,
  purchases: 400,
  attributedToDate: 400 * n,
  missingDecisions: 0,
  report: n === 1 ? null : { field: 'incrementalGrossProfit', estimate: truthToDate + 50, lower: -900, upper: 2000 },
  truthToDate,
  covered: n === 1 ? null : true,
});
/** The data the page embeds for its charts, parsed back. */
const embedded = (html: string): PlotData =>
  JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as PlotData;

const lives = [-300, -100, 200, 400, 450, 500];
const truths = lives.map((_, i) => lives.slice(0, i + 1).reduce((a, b) => a + b, 0));
const run: SimulationResult = {
  campaignId: 'c',
  rounds: lives.map((l, i) => round(i + 1, l, truths[i] as number)),
  total: scores(1150, 6000),
  report: { field: 'incrementalGrossProfit', estimate: 1200, lower: -900, upper: 2000 },
  covered: true,
  finalReport: {},
};

describe('the plot of a simulated run', () => {
  it("carries each round's truth, references and the report with its interval, with the bar's figures", () => {
    const d = plotData(run, { market: 'loft', seed: 120 });
    expect(d.rounds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.live).toEqual(lives);
    expect(d.oracle).toEqual(new Array(6).fill(1000));
    expect(d.truthToDate).toEqual(truths);
    // A round without a report is a gap in the line, not a zero.
    expect(d.report[0]).toBeNull();
    expect(d.report[5]).toBe((truths[5] as number) + 50);
    expect(d.bar.oracleShareRounds4to6).toBeCloseTo(1350 / 3000, 10);
    expect(d.bestSame).toEqual(new Array(6).fill(600));
    expect(d.bar.positiveFromRound3).toBe(true);
  });

  it('is one page with the chart library inlined and the data readable back', () => {
    const html = simulationPlotHtml(run, { market: 'loft', seed: 120 });
    expect(html).toContain('<canvas id="rounds"');
    expect(html).toContain('<canvas id="report"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toMatch(/Chart\.js v\d+/);
    const d = embedded(html);
    expect(d.live).toEqual(lives);
    expect(d.title).toContain('seed 120');
    expect(html).toContain('share of the oracle over rounds 4–6: 0.45');
    // The shoppers offered to were worth 1,800 of the oracle's 3,000 with their best offers; the live ones made 1,350.
    expect(html).toContain('of which who got offers: 0.60, which offer they got: 0.75');
  });

  it('cannot be broken out of by a market name', () => {
    const html = simulationPlotHtml(run, { market: '</script><script>alert(1)</script>', seed: 1 });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
    expect(embedded(html).title).toContain('</script><script>alert(1)</script>');
  });
});
