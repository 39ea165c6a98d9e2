// @ts-check
import { get } from './api.js';
import { fmt, h, replace, when } from './dom.js';
import { showError } from './notice.js';

/**
 * @typedef {{ offerId: string, userId: string, campaignId: string, offerType: string, value: number, trigger: string,
 *   placement?: string, channel?: string, appliesTo?: string, items: string[], reasonCodes: string[], expectedIncrementalProfit: number,
 *   probability: number, expiresAt: string, publishedAt: number }} FeedOffer
 */

const REFRESH_MS = 5_000;

/** @param {FeedOffer[]} offers @param {keyof FeedOffer} key */
const distinct = (offers, key) => [...new Set(offers.map((o) => String(o[key] ?? '')))].filter(Boolean).sort();

/** The latest published offers with their reason codes, filtered in the page, refreshed every 5 s. @param {HTMLElement} main */
export async function renderFeed(main) {
  /** @type {FeedOffer[]} */
  let offers = await get('/offers/recent?limit=200');
  const filters = {
    campaignId: h('select', { id: 'filter-campaign' }),
    offerType: h('select', { id: 'filter-type' }),
    trigger: h('select', { id: 'filter-trigger' }),
  };
  const text = h('input', { id: 'filter-text', type: 'search', placeholder: 'user, item or reason code' });
  const body = h('tbody');
  const count = h('span', { class: 'muted' });

  const fillSelects = () => {
    for (const [key, sel] of Object.entries(filters)) {
      const keep = sel.value;
      replace(
        sel,
        h(
          'option',
          { value: '' },
          `any ${key === 'campaignId' ? 'campaign' : key === 'offerType' ? 'type' : 'trigger'}`,
        ),
        distinct(offers, /** @type {keyof FeedOffer} */ (key)).map((v) =>
          h('option', { value: v, selected: v === keep }, v),
        ),
      );
    }
  };
  const draw = () => {
    const q = text.value.trim().toLowerCase();
    const shown = offers.filter(
      (o) =>
        (!filters.campaignId.value || o.campaignId === filters.campaignId.value) &&
        (!filters.offerType.value || o.offerType === filters.offerType.value) &&
        (!filters.trigger.value || o.trigger === filters.trigger.value) &&
        (!q || [o.userId, ...o.items, ...o.reasonCodes].some((s) => s.toLowerCase().includes(q))),
    );
    replace(count, `${shown.length} of the latest ${offers.length} offers`);
    replace(
      body,
      shown.map((o) =>
        h(
          'tr',
          {},
          h('td', {}, when(o.publishedAt)),
          h('td', {}, h('a', { href: `#/users/${encodeURIComponent(o.userId)}` }, o.userId)),
          h('td', {}, h('a', { href: `#/campaigns/${encodeURIComponent(o.campaignId)}` }, o.campaignId)),
          h('td', {}, `${o.offerType}${o.value ? ` ${fmt(o.value, 2)}` : ''}`),
          h('td', {}, o.trigger, h('div', { class: 'muted' }, [o.channel, o.placement].filter(Boolean).join(' · '))),
          h('td', { class: 'num' }, fmt(o.expectedIncrementalProfit, 2)),
          h('td', { class: 'num' }, fmt(o.probability, 3)),
          h(
            'td',
            {},
            o.reasonCodes.map((r) => h('span', { class: 'chip' }, r)),
          ),
        ),
      ),
    );
  };
  for (const el of [...Object.values(filters), text]) el.addEventListener('input', draw);
  fillSelects();
  draw();
  replace(
    main,
    h('div', { class: 'toolbar' }, h('h2', {}, 'Live offers'), count),
    h('div', { class: 'filters' }, Object.values(filters), text),
    h(
      'table',
      { class: 'grid', id: 'feed' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'Published',
            'User',
            'Campaign',
            'Offer',
            'Trigger (channel · placement)',
            'Exp. incr. profit',
            'P(chosen)',
            'Reason codes',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      body,
    ),
  );
  const timer = setInterval(() => {
    get('/offers/recent?limit=200')
      .then((/** @type {FeedOffer[]} */ next) => {
        offers = next;
        fillSelects();
        draw();
      })
      .catch(showError);
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
