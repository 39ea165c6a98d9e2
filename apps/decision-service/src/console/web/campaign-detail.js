// @ts-check
import { get } from './api.js';
import { badge, statusButton } from './campaigns.js';
import { bandDatasets, chart, timeOptions } from './charts.js';
import { fmt, h, interval, kvTable, pct, replace, when } from './dom.js';
import { showError } from './notice.js';
import { canChange } from './session.js';

/**
 * @typedef {{ estimate: number, lower: number, upper: number, level: number }} Interval
 * @typedef {{ at: number, reservedSpend: number, offersMade: number, treatedCustomers: number, holdoutCustomers: number,
 *   incrementalConversions: Interval | null, incrementalGrossProfit: Interval | null }} Point
 */

const FUNNEL = ['delivered', 'impression', 'click', 'redeem', 'dismiss', 'expire'];
const COLORS = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d'];

/** @param {string} title @param {string} id @param {string} [note] */
const panel = (title, id, note) =>
  h(
    'section',
    { class: 'panel' },
    h('h3', {}, title),
    note ? h('p', { class: 'muted' }, note) : null,
    h('div', { class: 'chart' }, h('canvas', { id })),
  );

/**
 * Offers and outcomes per channel, with the redeem rate the channel choice has learned there.
 * @param {{ channel: string, offers: number, outcomes: Record<string, number>, redeemRate: number }[]} rows
 */
const channelPanel = (rows) =>
  h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Channels'),
    h('p', { class: 'muted' }, 'outcomes per channel; learned redeem rate: Beta posterior mean the choice draws from'),
    h(
      'table',
      { class: 'grid', id: 'channel-figures' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['channel', 'offers', ...FUNNEL, 'learned redeem rate'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            { 'data-channel': r.channel },
            h('th', {}, r.channel),
            [fmt(r.offers), ...FUNNEL.map((o) => fmt(r.outcomes[o] ?? 0)), pct(r.redeemRate, 1)].map((v) =>
              h('td', { class: 'num' }, v),
            ),
          ),
        ),
      ),
    ),
  );

/** @param {HTMLElement} main @param {string} id */
export async function renderCampaignDetail(main, id) {
  const path = `/campaigns/${encodeURIComponent(id)}`;
  const [c, report, series, mix, channels] = await Promise.all([
    get(path),
    get(`${path}/report`),
    get(`${path}/series`),
    get(`${path}/offer-mix`),
    get(`${path}/channels`),
  ]);
  const now = Date.now();
  /** @type {Point[]} */
  const points = [
    ...series.points,
    // The live report as the latest point: the sampler may not have run since the last change.
    {
      at: now,
      reservedSpend: report.budget.reservedSpend,
      offersMade: report.budget.offersMade,
      treatedCustomers: report.treated.customers,
      holdoutCustomers: report.holdout.customers,
      incrementalConversions: report.incrementalConversions,
      incrementalGrossProfit: report.incrementalGrossProfit,
    },
  ];
  const start = Date.parse(c.startsAt ?? c.createdAt);
  const end = c.endsAt ? Date.parse(c.endsAt) : undefined;
  const group = (/** @type {any} */ g) => [
    fmt(g.customers),
    fmt(g.conversions),
    pct(g.conversionRate, 2),
    fmt(g.grossProfit, 2),
    fmt(g.grossProfitPerCustomer, 2),
  ];

  replace(
    main,
    h(
      'div',
      { class: 'toolbar' },
      h('h2', { id: 'campaign-title' }, c.name),
      badge(c.status),
      h('span', { class: 'muted' }, `${c.id} · v${c.version} · ${when(c.startsAt)} → ${when(c.endsAt)}`),
      h('span', { class: 'spacer' }),
      canChange() && h('a', { href: `#${path}/edit`, class: 'button', id: 'edit-campaign' }, 'Edit'),
      canChange() && statusButton(c, () => void renderCampaignDetail(main, id).catch(showError)),
    ),
    h(
      'div',
      { class: 'kpis' },
      [
        ['Spend held', `${fmt(report.budget.reservedSpend, 2)} / ${fmt(c.budget.spend)} ${c.currency}`],
        ['Offers made', `${fmt(report.budget.offersMade)} / ${fmt(c.budget.count)}`],
        ['Redemptions', fmt(report.redemptions)],
        ['Incremental conversions (95% CI)', interval(report.incrementalConversions)],
        [`Incremental gross profit, ${c.currency} (95% CI)`, interval(report.incrementalGrossProfit, 2)],
      ].map(([k, v]) => h('div', { class: 'kpi' }, h('b', {}, v), k)),
    ),
    h(
      'div',
      { class: 'panels' },
      panel(
        'Budget burn',
        'chart-burn',
        end ? 'spend held against the straight-line pace from start to end' : 'no end date: no pace line',
      ),
      panel('Incremental conversions, treated vs holdout', 'chart-conversions', 'estimate and 95% interval over time'),
      panel(`Incremental gross profit (${c.currency})`, 'chart-profit', 'estimate and 95% interval over time'),
      panel('Outcome funnel', 'chart-funnel'),
      panel('Offers by type', 'chart-type'),
      panel('Offers by trigger', 'chart-trigger'),
      panel('Offers by channel', 'chart-channel'),
      panel('Offers by placement', 'chart-placement'),
      h(
        'section',
        { class: 'panel' },
        h('h3', {}, 'Treated vs holdout'),
        h(
          'table',
          { class: 'grid' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['', 'customers', 'converted', 'rate', 'gross profit', 'per customer'].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'treated'),
              group(report.treated).map((v) => h('td', { class: 'num' }, v)),
            ),
            h(
              'tr',
              {},
              h('th', {}, 'holdout'),
              group(report.holdout).map((v) => h('td', { class: 'num' }, v)),
            ),
          ),
        ),
        kvTable([
          [
            'conversion-rate lift (95% CI)',
            interval(
              report.incrementalConversionRate && {
                ...report.incrementalConversionRate,
                estimate: 100 * report.incrementalConversionRate.estimate,
                lower: 100 * report.incrementalConversionRate.lower,
                upper: 100 * report.incrementalConversionRate.upper,
              },
              2,
            ) + ' pp',
          ],
          [
            'budget open / redeemed / released',
            `${fmt(report.budget.openSpend, 2)} / ${fmt(report.budget.redeemedSpend, 2)} / ${fmt(report.budget.releasedSpend, 2)}`,
          ],
          ['cost coverage of attributed revenue', pct(report.costCoverage, 0)],
        ]),
      ),
      channelPanel(channels.channels),
    ),
  );

  // Looked up in this page's own view: a view left behind by a newer route must not draw into the new one.
  const canvas = (/** @type {string} */ cid) => /** @type {HTMLCanvasElement} */ (main.querySelector(`#${cid}`));
  const lastAt = points[points.length - 1]?.at ?? now;
  /** @type {import('chart.js').ChartDataset<'line', {x: number, y: number}[]>[]} */
  const burn = [
    {
      label: `spend held (${c.currency})`,
      data: points.map((p) => ({ x: p.at, y: p.reservedSpend })),
      borderColor: COLORS[0],
      backgroundColor: COLORS[0],
      pointRadius: points.length > 60 ? 0 : 2,
    },
  ];
  if (end && end > start) {
    const paceAt = (/** @type {number} */ t) => c.budget.spend * Math.min(1, Math.max(0, (t - start) / (end - start)));
    const from = Math.min(start, points[0]?.at ?? start);
    burn.push({
      label: 'straight-line pace',
      data: [
        { x: from, y: paceAt(from) },
        { x: lastAt, y: paceAt(Math.min(lastAt, end)) },
      ],
      borderColor: '#6b7280',
      borderDash: [6, 4],
      pointRadius: 0,
    });
  }
  chart(canvas('chart-burn'), { type: 'line', data: { datasets: burn }, options: timeOptions(c.currency) });
  /** @param {'incrementalConversions' | 'incrementalGrossProfit'} key */
  const band = (key) =>
    points.flatMap((p) => {
      const i = p[key];
      return i ? [{ x: p.at, estimate: i.estimate, lower: i.lower, upper: i.upper }] : [];
    });
  chart(canvas('chart-conversions'), {
    type: 'line',
    data: { datasets: bandDatasets('incremental conversions', band('incrementalConversions'), '#059669') },
    options: timeOptions('conversions'),
  });
  chart(canvas('chart-profit'), {
    type: 'line',
    data: { datasets: bandDatasets('incremental gross profit', band('incrementalGrossProfit'), '#7c3aed') },
    options: timeOptions(c.currency),
  });
  chart(canvas('chart-funnel'), {
    type: 'bar',
    data: {
      labels: FUNNEL,
      datasets: [
        {
          label: 'offers',
          data: FUNNEL.map((s) => report.outcomes[s] ?? 0),
          backgroundColor: FUNNEL.map((s) =>
            s === 'redeem' ? '#059669' : s === 'dismiss' || s === 'expire' ? '#9ca3af' : '#2563eb',
          ),
        },
      ],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  for (const [dim, cid] of /** @type {const} */ ([
    ['offerType', 'chart-type'],
    ['trigger', 'chart-trigger'],
    ['channel', 'chart-channel'],
    ['placement', 'chart-placement'],
  ])) {
    /** @type {Record<string, number>} */
    const counts = mix[dim] ?? {};
    const labels = Object.keys(counts).sort();
    chart(canvas(cid), {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'offers made',
            data: labels.map((l) => counts[l] ?? 0),
            backgroundColor: labels.map((_, i) => COLORS[i % COLORS.length] ?? '#2563eb'),
          },
        ],
      },
      options: { plugins: { legend: { display: false } } },
    });
  }
}
