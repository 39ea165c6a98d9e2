import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { barCheck } from './round-table';
import type { SimulationResult } from './simulation.runner';

/** What the page names the run by. */
export interface PlotTitle {
  readonly market: string;
  readonly seed: number;
}

/** The figures the page draws: per round, and the campaign report to date beside the truth to date. */
export interface PlotData {
  readonly title: string;
  readonly rounds: number[];
  readonly live: number[];
  readonly random: number[];
  readonly oracle: number[];
  /** The shoppers offered to, each given their best action: between it and live is the offer chosen. */
  readonly bestSame: number[];
  readonly offers: number[];
  readonly truthToDate: number[];
  readonly report: (number | null)[];
  readonly lower: (number | null)[];
  readonly upper: (number | null)[];
  readonly bar: ReturnType<typeof barCheck>;
}

export function plotData(result: SimulationResult, title: PlotTitle): PlotData {
  const r = result.rounds;
  return {
    title: `market ${title.market}, seed ${title.seed}: ${r.length} rounds of ${r[0]?.scores.requests ?? 0} requests`,
    rounds: r.map((x) => x.round),
    live: r.map((x) => x.scores.live),
    random: r.map((x) => x.scores.randomSameCount),
    oracle: r.map((x) => x.scores.oracleSameCount),
    bestSame: r.map((x) => x.scores.bestActionSameRequests),
    offers: r.map((x) => x.scores.offers),
    truthToDate: r.map((x) => x.truthToDate),
    report: r.map((x) => x.report?.estimate ?? null),
    lower: r.map((x) => x.report?.lower ?? null),
    upper: r.map((x) => x.report?.upper ?? null),
    bar: barCheck(result),
  };
}

const fixed = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(2));

/** JSON that is safe inside a <script> element: no `<` can close it or open a comment. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Chart.js, the console's chart library, inlined so the page opens anywhere without a server or the internet. */
function chartLibrary(): string {
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const DRAW = `
const d = JSON.parse(document.getElementById('data').textContent);
const money = (v) => Math.round(v).toLocaleString('en');
new Chart(document.getElementById('rounds'), {
  type: 'line',
  data: { labels: d.rounds.map((r) => 'round ' + r), datasets: [
    { label: 'oracle at the same number of offers', data: d.oracle, borderColor: '#2e7d32', borderDash: [6, 4] },
    { label: 'the same shoppers, each given their best offer', data: d.bestSame, borderColor: '#6a1b9a',
      borderDash: [3, 3] },
    { label: 'OfferStream (live policy)', data: d.live, borderColor: '#1565c0', borderWidth: 3 },
    { label: 'random at the same number of offers', data: d.random, borderColor: '#c62828', borderDash: [2, 3] },
  ] },
  options: { animation: false, plugins: { title: { display: true, text: 'True incremental gross profit per round' } },
    scales: { y: { title: { display: true, text: 'profit' }, ticks: { callback: money } } } },
});
new Chart(document.getElementById('report'), {
  type: 'line',
  data: { labels: d.rounds.map((r) => 'after round ' + r), datasets: [
    { label: 'report 95% upper', data: d.upper, borderColor: 'rgba(255,143,0,0.4)', pointRadius: 0, fill: false },
    { label: 'report 95% lower', data: d.lower, borderColor: 'rgba(255,143,0,0.4)', pointRadius: 0,
      backgroundColor: 'rgba(255,143,0,0.15)', fill: '-1' },
    { label: 'campaign report (holdout estimate)', data: d.report, borderColor: '#ef6c00', borderWidth: 2 },
    { label: 'truth to date', data: d.truthToDate, borderColor: '#1565c0', borderWidth: 3 },
  ] },
  options: { animation: false,
    plugins: { title: { display: true, text: "The campaign report's estimate to date, its 95% interval, and the truth" } },
    scales: { y: { title: { display: true, text: 'cumulative profit' }, ticks: { callback: money } } } },
});
`;

/**
 * A self-contained HTML page of one simulated run (`npm run simulate -- --plot FILE.html`): each round's true
 * incremental profit beside random, the oracle at as many offers and the same shoppers' best offers, and the report's
 * estimate with its interval beside the truth to date, so whether the policy pays and whether the report can be
 * believed is seen at a glance.
 */
export function simulationPlotHtml(result: SimulationResult, title: PlotTitle): string {
  const d = plotData(result, title);
  const share = d.bar.oracleShareRounds4to6;
  const summary = [
    `positive in every round from the third: ${d.bar.positiveFromRound3 ? 'yes' : 'no'}`,
    `share of the oracle over rounds 4–6: ${fixed(share)}`,
    `of which who got offers: ${fixed(d.bar.whoShareRounds4to6)}, ` +
      `which offer they got: ${fixed(d.bar.whichShareRounds4to6)}`,
    `report's interval covers the truth: ${d.bar.reportCovers === null ? 'n/a' : d.bar.reportCovers ? 'yes' : 'no'}`,
    `offers per round: ${d.offers.join(', ')}`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:960px}canvas{margin:16px 0}li{margin:2px 0}</style>
</head><body>
<h1>${escapeHtml(d.title)}</h1>
<ul>${summary.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<canvas id="rounds" width="900" height="380"></canvas>
<canvas id="report" width="900" height="380"></canvas>
<script id="data" type="application/json">${scriptJson(d)}</script>
<script>${chartLibrary()}</script>
<script>${DRAW}</script>
</body></html>
`;
}
