// @ts-check
import { get } from './api.js';
import { fmt, h, kvTable, pct, replace, when } from './dom.js';

/** @param {Record<string, number> | undefined} m @param {number} n */
const top = (m, n) =>
  Object.entries(m ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${fmt(v, 2)}`)
    .join(', ') || '–';

/** @param {any} r */
function result(r) {
  const f = r.features;
  const latest = r.latest;
  return h(
    'div',
    { class: 'panels', id: 'user-result' },
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'Profile'),
      f
        ? kvTable([
            ['learned cluster', f.segment ?? '–'],
            ['segments now', f.segments?.length ? f.segments.join(', ') : '–'],
            [
              'recency / frequency / monetary',
              f.rfm ? `${fmt(f.rfm.recencyDays, 1)} d / ${fmt(f.rfm.frequency)} / ${fmt(f.rfm.monetary, 2)}` : '–',
            ],
            [
              'session views / cart adds / searches',
              f.session ? `${fmt(f.session.views)} / ${fmt(f.session.cartAdds)} / ${fmt(f.session.searches)}` : '–',
            ],
            [
              'price band (median ± spread)',
              f.priceBand ? `${fmt(f.priceBand.median, 2)} ± ${fmt(f.priceBand.spread, 2)}` : '–',
            ],
            ['top category affinity', top(f.categoryAffinity, 5)],
            ['intent', top(f.intent, 5)],
            ['recent items', (f.recentItems ?? []).slice(0, 10).join(', ') || '–'],
            ['purchased items', (f.purchasedItems ?? []).slice(0, 10).join(', ') || '–'],
          ])
        : h('p', {}, 'No profile: a cold-start user.'),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'Candidates now'),
      r.candidates.length
        ? h(
            'table',
            { class: 'grid' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['item', 'blend score', 'sources'].map((t) => h('th', {}, t)),
              ),
            ),
            h(
              'tbody',
              {},
              r.candidates.map((/** @type {any} */ c) =>
                h(
                  'tr',
                  {},
                  h('td', {}, c.itemId),
                  h('td', { class: 'num' }, fmt(c.blendScore, 3)),
                  h('td', {}, c.sources.join(', ')),
                ),
              ),
            ),
          )
        : h('p', {}, 'No candidates.'),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'Latest decision'),
      latest
        ? [
            kvTable([
              ['decided', when(latest.decidedAt)],
              ['campaign', latest.campaignId],
              ['action', `${latest.action}${latest.holdout ? ' (holdout: no offer by design)' : ''}`],
              ['probability of that action', fmt(latest.propensity, 3)],
              ['segment', latest.segment ?? '–'],
            ]),
            ...(latest.values
              ? [
                  h('h4', {}, 'Gross profit of one purchase under each action, as priced when deciding'),
                  kvTable(Object.entries(latest.values).map(([a, v]) => [a, fmt(/** @type {number} */ (v), 2)])),
                ]
              : []),
            h('h4', {}, 'What the policy could have done (probability of each)'),
            kvTable(Object.entries(latest.available ?? {}).map(([a, p]) => [a, pct(/** @type {number} */ (p), 1)])),
          ]
        : h('p', {}, 'No decision in its attribution window.'),
    ),
    h(
      'section',
      { class: 'panel wide' },
      h('h3', {}, 'Recent offers and why'),
      r.offers.length
        ? h(
            'table',
            { class: 'grid' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['when', 'campaign', 'offer', 'cost', 'reason codes'].map((t) => h('th', {}, t)),
              ),
            ),
            h(
              'tbody',
              {},
              r.offers.map((/** @type {any} */ o) =>
                h(
                  'tr',
                  {},
                  h('td', {}, when(o.at)),
                  h('td', {}, o.campaignId),
                  h(
                    'td',
                    {},
                    o.offer
                      ? `${o.offer.offerType} ${fmt(o.offer.value, 2)} (${o.offer.trigger})`
                      : (o.action ?? o.offerId),
                  ),
                  h('td', { class: 'num' }, fmt(o.cost, 2)),
                  h(
                    'td',
                    {},
                    (o.offer?.reasonCodes ?? []).map((/** @type {string} */ c) => h('span', { class: 'chip' }, c)),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, 'No offers in the cap history.'),
    ),
  );
}

/** Profile, candidates, the latest decision and recent offers of one user. @param {HTMLElement} main @param {string} [userId] */
export async function renderUserLookup(main, userId) {
  const input = h('input', { id: 'user-id', type: 'search', placeholder: 'user id', value: userId ?? '' });
  const out = h('div');
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        if (input.value.trim()) location.hash = `#/users/${encodeURIComponent(input.value.trim())}`;
      },
    },
    input,
    h('button', { type: 'submit' }, 'Look up'),
  );
  replace(main, h('h2', {}, 'User lookup'), form, out);
  if (userId) replace(out, result(await get(`/users/${encodeURIComponent(userId)}/lookup`)));
}
