// @ts-check
/**
 * Chart.js (served from the installed package as a UMD script, global `Chart`) with the console's defaults: no
 * animation (charts are read, not watched), a linear time axis in ms labelled as UTC times (no date adapter needed).
 */

/** @typedef {import('chart.js').Chart} ChartInstance */
/** @typedef {import('chart.js').ChartConfiguration} ChartConfiguration */

/** @returns {typeof import('chart.js').Chart} */
function ChartClass() {
  const C = Reflect.get(globalThis, 'Chart');
  if (typeof C !== 'function') throw new Error('Chart.js did not load');
  return C;
}

/** Charts of the current page, destroyed when the page changes. @type {ChartInstance[]} */
const live = [];

export function destroyCharts() {
  for (const c of live.splice(0)) c.destroy();
}

/** @param {HTMLCanvasElement} canvas @param {ChartConfiguration} config */
export function chart(canvas, config) {
  const C = ChartClass();
  const c = new C(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  live.push(c);
  return c;
}

/** @param {number | string} ms @param {boolean} [seconds] */
export const timeLabel = (ms, seconds = false) =>
  new Date(Number(ms))
    .toISOString()
    .slice(5, seconds ? 19 : 16)
    .replace('T', ' ');

/** @param {number | string} v */
const numberLabel = (v) => Number(v).toLocaleString('en', { maximumFractionDigits: 2 });

/** Options of a chart whose x values are epoch ms. @param {string} yTitle @returns {import('chart.js').ChartOptions<'line'>} */
export function timeOptions(yTitle) {
  return {
    parsing: false,
    interaction: { mode: 'nearest', intersect: false },
    scales: {
      x: {
        type: 'linear',
        // Seconds shown when the whole axis spans less than an hour (a fresh campaign, a test run).
        ticks: {
          callback: (v, _i, ticks) =>
            timeLabel(v, (ticks[ticks.length - 1]?.value ?? 0) - (ticks[0]?.value ?? 0) < 3_600_000),
          maxTicksLimit: 6,
        },
        title: { display: true, text: 'time (UTC)' },
      },
      y: { ticks: { callback: numberLabel }, title: { display: true, text: yTitle } },
    },
    plugins: {
      // The lower bound's own legend entry says nothing the band does not.
      legend: { position: 'bottom', labels: { filter: (item) => !item.text.endsWith('95% lower') } },
      tooltip: { callbacks: { title: (items) => (items[0] ? timeLabel(items[0].parsed.x ?? 0) : '') } },
    },
  };
}

/**
 * The three datasets of an estimate with its 95% band: lower bound, upper bound filled down to it, and the estimate.
 * @param {string} label @param {{x: number, estimate: number, lower: number, upper: number}[]} points @param {string} color
 * @returns {import('chart.js').ChartDataset<'line', {x: number, y: number}[]>[]}
 */
export function bandDatasets(label, points, color) {
  return [
    {
      label: `${label}: 95% lower`,
      data: points.map((p) => ({ x: p.x, y: p.lower })),
      borderColor: 'transparent',
      pointRadius: 0,
      fill: false,
    },
    {
      label: `${label}: 95% interval`,
      data: points.map((p) => ({ x: p.x, y: p.upper })),
      borderColor: 'transparent',
      backgroundColor: `${color}33`,
      pointRadius: 0,
      fill: '-1',
    },
    {
      label,
      data: points.map((p) => ({ x: p.x, y: p.estimate })),
      borderColor: color,
      backgroundColor: color,
      pointRadius: points.length > 60 ? 0 : 2,
    },
  ];
}
