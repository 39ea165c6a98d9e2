// @ts-check
import { get } from './api.js';
import { age, flatten, fmt, h, kvTable, replace, when } from './dom.js';

/** @type {Record<string, string>} */
const REFIT_OUTCOMES = {
  published: 'published',
  not_better: 'refused by the promotion check (the model in use stays)',
  superseded: 'superseded (another instance published first)',
};

/** Versions, age and evaluation figures of the models, and consumer lag: as the services report them. @param {HTMLElement} main */
export async function renderModels(main) {
  // Lag comes from Kafka, the rest from Redis: one failing does not hide the other.
  const [m, lag] = await Promise.all([
    get('/models'),
    get('/consumers/lag').catch((/** @type {unknown} */ e) => (e instanceof Error ? e : new Error(String(e)))),
  ]);
  const profit = m.profit.published;
  const prop = m.propensity;
  const refit = m.profit.lastRefit;
  // A refused refit leaves the model in use as it was: its reason and figures are the only trace of why.
  /** @type {[string, string][]} */
  const refitRows = refit
    ? [
        [
          'last refit',
          `${REFIT_OUTCOMES[refit.outcome] ?? refit.outcome}, ${when(refit.at)} (${age(refit.at)}), on ${fmt(refit.covered)} joined decisions`,
        ],
        ...(refit.outcome === 'published' ? [] : flatten(refit.promotion, 'last refit')),
      ]
    : [['last refit', 'none yet']];
  replace(
    main,
    h('h2', {}, 'Models and consumer lag'),
    h(
      'div',
      { class: 'panels' },
      h(
        'section',
        { class: 'panel', id: 'model-profit' },
        h('h3', {}, 'Incremental-profit model'),
        profit
          ? kvTable([
              ['published', `#${profit.seq}, ${when(profit.publishedAt)} (${age(profit.publishedAt)})`],
              ['served by this instance', m.profit.serving ?? 'none yet'],
              ['trained on', `${fmt(profit.examples)} joined decisions (features ${profit.features})`],
              [
                'joined decisions logged / awaiting their window',
                `${fmt(m.profit.joinedDecisions)} / ${fmt(m.profit.pendingDecisions)}`,
              ],
              ...flatten(profit.promotion, 'promotion'),
              ...refitRows,
            ])
          : kvTable([
              ['published', 'none yet: the policy uses its neutral prior'],
              [
                'joined decisions logged / awaiting their window',
                `${fmt(m.profit.joinedDecisions)} / ${fmt(m.profit.pendingDecisions)}`,
              ],
              ...refitRows,
            ]),
      ),
      h(
        'section',
        { class: 'panel', id: 'model-propensity' },
        h('h3', {}, 'Purchase propensity'),
        prop
          ? kvTable([
              ['published', `#${prop.seq}, ${when(prop.publishedAt)} (${age(prop.publishedAt)})`],
              ['examples', fmt(prop.examples)],
              [
                'held-out log loss (previous model)',
                `${fmt(prop.heldOutLogLoss, 4)} (${fmt(prop.previousLogLoss, 4)})`,
              ],
            ])
          : h('p', {}, 'No refit published yet: the hand-set prior is used.'),
      ),
      h(
        'section',
        { class: 'panel', id: 'model-gnn' },
        h('h3', {}, 'Graph model (gnn-worker)'),
        !m.gnn.configured
          ? h('p', {}, 'Not configured (GNN_CANDIDATES_URL unset).')
          : m.gnn.error
            ? h('p', { class: 'error' }, m.gnn.error)
            : kvTable(flatten(m.gnn.status)),
      ),
      h(
        'section',
        { class: 'panel wide', id: 'consumer-lag' },
        h('h3', {}, 'Consumer lag'),
        lag instanceof Error
          ? h('p', { class: 'error' }, `Could not read the lag: ${lag.message}`)
          : h(
              'table',
              { class: 'grid' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['group', 'topic', 'lag', 'per partition (committed / end)'].map((t) => h('th', {}, t)),
                ),
              ),
              h(
                'tbody',
                {},
                lag.map((/** @type {any} */ g) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, g.group),
                    h('td', {}, g.topic),
                    h('td', { class: 'num' }, fmt(g.lag)),
                    h(
                      'td',
                      { class: 'muted' },
                      g.partitions.map((/** @type {any} */ p) => `${p.partition}: ${p.committed}/${p.end}`).join(' · '),
                    ),
                  ),
                ),
              ),
            ),
      ),
    ),
  );
}
