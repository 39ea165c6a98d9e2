// @ts-check
import { api, get } from './api.js';
import { fmt, h, pct, replace, when } from './dom.js';
import { showError, showInfo } from './notice.js';
import { canChange } from './session.js';

/**
 * @typedef {{ id: string, name: string, status: 'active' | 'paused', priority: number, startsAt?: string,
 *   endsAt?: string, budget: { spend: number, count: number }, holdoutShare: number, currency: string,
 *   createdAt: string, updatedAt: string, version: number, [k: string]: unknown }} Campaign
 */

/** Pauses or resumes a campaign (admin), then calls `done`. @param {Campaign} c @param {() => void} done */
export function statusButton(c, done) {
  const next = c.status === 'active' ? 'pause' : 'resume';
  return h(
    'button',
    {
      type: 'button',
      class: `status-action ${next}`,
      'data-action': next,
      onclick: async () => {
        try {
          await api('PUT', `/campaigns/${encodeURIComponent(c.id)}/${next}`);
          showInfo(`Campaign ${c.name} ${next === 'pause' ? 'paused' : 'resumed'}.`);
          done();
        } catch (e) {
          showError(e);
        }
      },
    },
    next === 'pause' ? 'Pause' : 'Resume',
  );
}

/** @param {Campaign['status']} status */
export const badge = (status) => h('span', { class: `badge ${status}` }, status);

/** The campaign list: status, budget use, dates, and (for admin keys) the pause/resume and edit actions. @param {HTMLElement} main */
export async function renderCampaigns(main) {
  /** @type {Campaign[]} */
  const campaigns = await get('/campaigns');
  const reports = await Promise.all(
    campaigns.map((c) => get(`/campaigns/${encodeURIComponent(c.id)}/report`).catch(() => null)),
  );
  const rows = campaigns.map((c, i) => {
    const b = reports[i]?.budget;
    return h(
      'tr',
      { 'data-campaign': c.id },
      h(
        'td',
        {},
        h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}`, class: 'campaign-name' }, c.name),
        h('div', { class: 'muted' }, c.id),
      ),
      h('td', {}, badge(c.status)),
      h(
        'td',
        { class: 'num' },
        b ? `${fmt(b.reservedSpend, 2)} / ${fmt(c.budget.spend)} ${c.currency}` : fmt(c.budget.spend),
      ),
      h('td', { class: 'num' }, b ? `${fmt(b.offersMade)} / ${fmt(c.budget.count)}` : fmt(c.budget.count)),
      h('td', { class: 'num' }, pct(c.holdoutShare, 0)),
      h('td', {}, `${when(c.startsAt)} → ${when(c.endsAt)}`),
      h(
        'td',
        { class: 'actions' },
        canChange() && h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}/edit`, class: 'button' }, 'Edit'),
        canChange() && statusButton(c, () => void renderCampaigns(main).catch(showError)),
      ),
    );
  });
  replace(
    main,
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, 'Campaigns'),
      canChange() && h('a', { href: '#/campaigns/new', class: 'button primary', id: 'new-campaign' }, 'New campaign'),
    ),
    campaigns.length === 0
      ? h('p', {}, 'No campaigns yet.')
      : h(
          'table',
          { class: 'grid', id: 'campaigns' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Campaign', 'Status', 'Spend held / limit', 'Offers / limit', 'Holdout', 'Dates', ''].map((t) =>
                h('th', {}, t),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
  );
}
